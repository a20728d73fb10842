// Command grammar: parses the `syntax` strings of CommandDefinition into linear alternatives
// and matches a typed line against many definitions at once, with the ASA's unique-prefix
// abbreviation ("sh run", "conf t", "wr mem") decided among the keywords valid at each point.

export type ParamType = 'WORD' | 'INT' | 'LINE';

export type Element =
  | { kind: 'keyword'; word: string; key: string }
  | { kind: 'param'; name: string; type: ParamType };

/** One way to say a command: optional groups and keyword choices expanded. */
export type Alternative = readonly Element[];

type Node =
  | { kind: 'keyword'; word: string }
  | { kind: 'choice'; key: string; words: string[] }
  | { kind: 'param'; name: string; type: ParamType }
  | { kind: 'optional'; body: Node[] };

export class SyntaxDefinitionError extends Error {}

function tokenizeSyntax(syntax: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < syntax.length) {
    const c = syntax[i] as string;
    if (c === ' ') {
      i++;
    } else if (c === '[' || c === ']') {
      out.push(c);
      i++;
    } else if (c === '<') {
      const end = syntax.indexOf('>', i);
      if (end < 0) throw new SyntaxDefinitionError(`unclosed "<" in ${JSON.stringify(syntax)}`);
      out.push(syntax.slice(i, end + 1));
      i = end + 1;
    } else if (c === '{') {
      const end = syntax.indexOf('}', i);
      if (end < 0) throw new SyntaxDefinitionError(`unclosed "{" in ${JSON.stringify(syntax)}`);
      out.push(syntax.slice(i, end + 1));
      i = end + 1;
    } else {
      let j = i;
      while (j < syntax.length && !' []<{'.includes(syntax[j] as string)) j++;
      out.push(syntax.slice(i, j));
      i = j;
    }
  }
  return out;
}

function choiceWords(body: string, syntax: string): string[] {
  const words = body.split('|').map((w) => w.trim().toLowerCase());
  if (words.length === 0 || words.some((w) => w.length === 0 || /\s/.test(w))) {
    throw new SyntaxDefinitionError(`bad keyword choice {${body}} in ${JSON.stringify(syntax)}`);
  }
  return words;
}

function parseNodes(tokens: string[], pos: { i: number }, syntax: string, nested: boolean): Node[] {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const t = tokens[pos.i] as string;
    pos.i++;
    if (t === '[') {
      nodes.push({ kind: 'optional', body: parseNodes(tokens, pos, syntax, true) });
    } else if (t === ']') {
      if (!nested) throw new SyntaxDefinitionError(`unbalanced "]" in ${JSON.stringify(syntax)}`);
      return nodes;
    } else if (t.startsWith('{')) {
      const body = t.slice(1, -1);
      nodes.push({ kind: 'choice', key: body, words: choiceWords(body, syntax) });
    } else if (t.startsWith('<')) {
      const m = /^<([A-Za-z_][\w-]*):(WORD|INT|LINE|\{[^}]+\})>$/.exec(t);
      if (!m) throw new SyntaxDefinitionError(`bad parameter ${t} in ${JSON.stringify(syntax)}`);
      const name = m[1] as string;
      const type = m[2] as string;
      if (type.startsWith('{')) {
        nodes.push({ kind: 'choice', key: name, words: choiceWords(type.slice(1, -1), syntax) });
      } else {
        nodes.push({ kind: 'param', name, type: type as ParamType });
      }
    } else {
      nodes.push({ kind: 'keyword', word: t.toLowerCase() });
    }
  }
  if (nested) throw new SyntaxDefinitionError(`unclosed "[" in ${JSON.stringify(syntax)}`);
  return nodes;
}

function expand(nodes: Node[]): Element[][] {
  let alts: Element[][] = [[]];
  for (const node of nodes) {
    let options: Element[][];
    switch (node.kind) {
      case 'keyword':
        options = [[{ kind: 'keyword', word: node.word, key: node.word }]];
        break;
      case 'choice':
        options = node.words.map((word) => [{ kind: 'keyword', word, key: node.key }]);
        break;
      case 'param':
        options = [[{ kind: 'param', name: node.name, type: node.type }]];
        break;
      case 'optional':
        options = [[], ...expand(node.body)];
        break;
    }
    const next: Element[][] = [];
    for (const a of alts) for (const o of options) next.push([...a, ...o]);
    alts = next;
  }
  return alts;
}

/** Expands a syntax string into every linear alternative it allows. */
export function parseSyntax(syntax: string): Alternative[] {
  const nodes = parseNodes(tokenizeSyntax(syntax), { i: 0 }, syntax, false);
  if (nodes.length === 0) throw new SyntaxDefinitionError('empty syntax');
  const alts = expand(nodes);
  for (const alt of alts) {
    const lineAt = alt.findIndex((e) => e.kind === 'param' && e.type === 'LINE');
    if (lineAt >= 0 && lineAt !== alt.length - 1) {
      throw new SyntaxDefinitionError(`<...:LINE> must be last in ${JSON.stringify(syntax)}`);
    }
  }
  return alts;
}

export interface InputToken {
  text: string;
  /** Offset of the token's first character in the typed line. */
  start: number;
}

export function tokenizeInput(line: string): InputToken[] {
  const tokens: InputToken[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) tokens.push({ text: m[0], start: m.index });
  return tokens;
}

/** Something a line can be matched against: a command with its alternatives and a preference tier (lower wins). */
export interface Candidate<T> {
  value: T;
  alternatives: readonly Alternative[];
  tier: number;
}

export type MatchResult<T> =
  | { kind: 'match'; value: T; tier: number; params: Record<string, string | undefined>; expanded: string }
  | { kind: 'empty' }
  | { kind: 'invalid'; offset: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous'; offset: number; token: string; choices: string[] };

interface State<T> {
  cand: Candidate<T>;
  alt: Alternative;
  params: Record<string, string | undefined>;
  words: string[];
  keywords: number;
  /** A LINE parameter took the rest of the line. */
  done: boolean;
}

function intToken(text: string): boolean {
  return /^-?\d+$/.test(text);
}

/** Matches `line` against all candidates; see MatchResult for the outcomes. */
export function matchLine<T>(line: string, candidates: readonly Candidate<T>[]): MatchResult<T> {
  const tokens = tokenizeInput(line);
  if (tokens.length === 0) return { kind: 'empty' };
  let states: State<T>[] = [];
  for (const cand of candidates) {
    for (const alt of cand.alternatives) states.push({ cand, alt, params: {}, words: [], keywords: 0, done: false });
  }
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as InputToken;
    const lower = tok.text.toLowerCase();
    const active = states.filter((s) => !s.done);
    const finished = states.filter((s) => s.done);
    const keywordHits = new Set<string>();
    for (const s of active) {
      const e = s.alt[i];
      if (e?.kind === 'keyword' && e.word.startsWith(lower)) keywordHits.add(e.word);
    }
    let chosen: string | undefined;
    let ambiguous = false;
    if (keywordHits.has(lower)) chosen = lower;
    else if (keywordHits.size === 1) chosen = [...keywordHits][0];
    else if (keywordHits.size > 1) ambiguous = true;

    const next: State<T>[] = [];
    for (const s of active) {
      const e = s.alt[i];
      if (!e) continue;
      if (e.kind === 'keyword') {
        if (chosen === e.word) {
          const params = { ...s.params };
          if (params[e.key] === undefined) params[e.key] = e.word;
          next.push({ ...s, params, words: [...s.words, e.word], keywords: s.keywords + 1 });
        }
      } else if (e.type === 'LINE') {
        const rest = line.slice(tok.start).trimEnd();
        next.push({ ...s, params: { ...s.params, [e.name]: rest }, words: [...s.words, rest], done: true });
      } else if (e.type === 'WORD' || intToken(tok.text)) {
        next.push({ ...s, params: { ...s.params, [e.name]: tok.text }, words: [...s.words, tok.text] });
      }
    }
    if (next.length === 0 && finished.length === 0) {
      if (ambiguous) {
        return { kind: 'ambiguous', offset: tok.start, token: tok.text, choices: [...keywordHits].sort() };
      }
      return { kind: 'invalid', offset: tok.start };
    }
    states = [...finished, ...next];
  }
  const complete = states.filter((s) => s.done || s.alt.length === tokens.length);
  if (complete.length === 0) return { kind: 'incomplete' };
  complete.sort((a, b) => a.cand.tier - b.cand.tier || b.keywords - a.keywords);
  const best = complete[0] as State<T>;
  return { kind: 'match', value: best.cand.value, tier: best.cand.tier, params: best.params, expanded: best.words.join(' ') };
}

/** The words that may follow what has been typed so far, for `?` inline help. */
export function helpFor<T>(typed: string, candidates: readonly Candidate<T>[]): string[] {
  const tokens = tokenizeInput(typed);
  const completing = typed.length > 0 && !/\s$/.test(typed) ? tokens.pop() : undefined;
  const prefix = tokens.map((t) => t.text).join(' ');
  const words = new Set<string>();
  for (const cand of candidates) {
    for (const alt of cand.alternatives) {
      if (alt.length <= tokens.length) {
        if (alt.length === tokens.length && !completing && prefixMatches(prefix, alt, tokens, candidates)) words.add('<cr>');
        continue;
      }
      if (!prefixMatches(prefix, alt, tokens, candidates)) continue;
      const e = alt[tokens.length] as Element;
      const word = e.kind === 'keyword' ? e.word : `<${e.name}>`;
      if (completing && !(e.kind === 'keyword' && e.word.startsWith(completing.text.toLowerCase()))) continue;
      words.add(word);
    }
  }
  return [...words].sort((a, b) => (a === '<cr>' ? 1 : b === '<cr>' ? -1 : a.localeCompare(b)));
}

function prefixMatches<T>(prefix: string, alt: Alternative, tokens: InputToken[], candidates: readonly Candidate<T>[]): boolean {
  if (tokens.length === 0) return true;
  const truncated = alt.slice(0, tokens.length);
  const result = matchLine(prefix, [{ value: null, alternatives: [truncated], tier: 0 }]);
  if (result.kind !== 'match') return false;
  // The abbreviations must also be unique among all commands, as the full matcher decides.
  const all = matchLine(prefix, candidates.map((c) => ({ ...c, alternatives: c.alternatives.map((a) => a.slice(0, tokens.length)) })));
  return all.kind === 'match' || all.kind === 'incomplete';
}
