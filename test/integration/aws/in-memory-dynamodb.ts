// An in-memory DynamoDB table behind aws-sdk-client-mock: GetItem, PutItem, UpdateItem, Scan,
// with a small evaluator for the expressions src/aws/dynamodb-inventory.ts sends:
//
//   conditions: attribute_exists(p), attribute_not_exists(p), p = v, p <> v, p < v, p <= v,
//               p > v, p >= v, AND, OR, NOT, parentheses; p a path of #names and plain names
//               joined by '.', v a :value or a path
//   updates:    SET p = v [, p = v ...] and REMOVE p [, p ...]
//
// Anything else throws, so an adapter that starts sending a new expression fails the test
// instead of being half-evaluated. A failed condition throws ConditionalCheckFailedException
// (with the old item when ReturnValuesOnConditionCheckFailure is ALL_OLD), as DynamoDB does.
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;
type Names = Record<string, string> | undefined;
type Values = Record<string, AttributeValue> | undefined;

// --- Tokens and paths ------------------------------------------------------------------------

const TOKEN = /\s*(attribute_not_exists|attribute_exists|(?:AND|OR|NOT)\b|<>|<=|>=|=|<|>|\(|\)|,|[#:]?[A-Za-z_][A-Za-z0-9_]*(?:\.[#]?[A-Za-z_][A-Za-z0-9_]*)*)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match?.[1]) throw new Error(`in-memory DynamoDB: cannot parse ${JSON.stringify(expression)} at ${at}`);
    tokens.push(match[1]);
  }
  return tokens;
}

function pathOf(token: string, names: Names): string[] {
  return token.split('.').map((part) => {
    if (!part.startsWith('#')) return part;
    const name = names?.[part];
    if (name === undefined) throw new Error(`in-memory DynamoDB: ${part} is not in ExpressionAttributeNames`);
    return name;
  });
}

function resolve(item: Item, path: string[]): AttributeValue | undefined {
  let current: AttributeValue | undefined = { M: item };
  for (const part of path) current = current?.M?.[part];
  return current;
}

function operand(token: string, item: Item, names: Names, values: Values): AttributeValue | undefined {
  if (token.startsWith(':')) {
    const value = values?.[token];
    if (value === undefined) throw new Error(`in-memory DynamoDB: ${token} is not in ExpressionAttributeValues`);
    return value;
  }
  return resolve(item, pathOf(token, names));
}

/** DynamoDB's comparison: same type (S or N) or the comparison is false. */
function compare(left: AttributeValue | undefined, operator: string, right: AttributeValue | undefined): boolean {
  if (left === undefined || right === undefined) return false;
  let order: number;
  if (left.N !== undefined && right.N !== undefined) order = Math.sign(Number(left.N) - Number(right.N));
  else if (left.S !== undefined && right.S !== undefined) order = left.S < right.S ? -1 : left.S > right.S ? 1 : 0;
  else if (operator === '=' || operator === '<>') return (JSON.stringify(left) === JSON.stringify(right)) === (operator === '=');
  else return false;
  switch (operator) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      throw new Error(`in-memory DynamoDB: unsupported comparator ${operator}`);
  }
}

// --- Conditions: recursive descent over the tokens ----------------------------------------------

export function evaluateCondition(expression: string, item: Item, names: Names, values: Values): boolean {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(`in-memory DynamoDB: expected ${expected ?? 'a token'} in ${JSON.stringify(expression)}, found ${token ?? 'the end'}`);
    }
    return token;
  };
  const orExpression = (): boolean => {
    let value = andExpression();
    while (peek() === 'OR') {
      take('OR');
      const right = andExpression();
      value = value || right;
    }
    return value;
  };
  const andExpression = (): boolean => {
    let value = unary();
    while (peek() === 'AND') {
      take('AND');
      const right = unary();
      value = value && right;
    }
    return value;
  };
  const unary = (): boolean => {
    if (peek() === 'NOT') {
      take('NOT');
      return !unary();
    }
    return primary();
  };
  const primary = (): boolean => {
    const token = take();
    if (token === '(') {
      const value = orExpression();
      take(')');
      return value;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      take('(');
      const exists = resolve(item, pathOf(take(), names)) !== undefined;
      take(')');
      return token === 'attribute_exists' ? exists : !exists;
    }
    const operator = take();
    if (!['=', '<>', '<', '<=', '>', '>='].includes(operator)) throw new Error(`in-memory DynamoDB: unsupported condition at ${JSON.stringify(operator)} in ${JSON.stringify(expression)}`);
    return compare(operand(token, item, names, values), operator, operand(take(), item, names, values));
  };
  const result = orExpression();
  if (at !== tokens.length) throw new Error(`in-memory DynamoDB: unexpected ${tokens[at]} in ${JSON.stringify(expression)}`);
  return result;
}

// --- Updates -------------------------------------------------------------------------------------

function setPath(item: Item, path: string[], value: AttributeValue): void {
  let map = item;
  for (const part of path.slice(0, -1)) {
    const next = map[part]?.M;
    if (next === undefined) throw new Error(`in-memory DynamoDB: the document path ${path.join('.')} does not exist`);
    map = next;
  }
  map[path.at(-1)!] = structuredClone(value);
}

function removePath(item: Item, path: string[]): void {
  const parent = path.length === 1 ? item : resolve(item, path.slice(0, -1))?.M;
  if (parent) delete parent[path.at(-1)!];
}

export function applyUpdate(expression: string, item: Item, names: Names, values: Values): Item {
  const updated = structuredClone(item);
  const tokens = tokenize(expression);
  let clause: 'SET' | 'REMOVE' | undefined;
  for (let at = 0; at < tokens.length; ) {
    const token = tokens[at]!;
    if (token === 'SET' || token === 'REMOVE') {
      clause = token;
      at++;
      continue;
    }
    if (token === ',') {
      at++;
      continue;
    }
    if (clause === 'SET') {
      if (tokens[at + 1] !== '=') throw new Error(`in-memory DynamoDB: only "path = operand" is supported in SET (${JSON.stringify(expression)})`);
      const value = operand(tokens[at + 2] ?? '', item, names, values);
      if (value === undefined) throw new Error(`in-memory DynamoDB: SET from a missing attribute in ${JSON.stringify(expression)}`);
      setPath(updated, pathOf(token, names), value);
      at += 3;
    } else if (clause === 'REMOVE') {
      removePath(updated, pathOf(token, names));
      at++;
    } else {
      throw new Error(`in-memory DynamoDB: unsupported update expression ${JSON.stringify(expression)}`);
    }
  }
  return updated;
}

// --- The table -----------------------------------------------------------------------------------

function conditionFailed(old: Item | undefined, returnOld: boolean): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(returnOld && old !== undefined ? { Item: structuredClone(old) } : {}),
  });
}

/**
 * One table keyed by a single string partition key. It also adds up the on-demand request
 * units its requests would consume: a read is ceil(size / 4 KB) (half when eventually
 * consistent), a write ceil(max(size before, size after) / 1 KB), at least 1; a write whose
 * condition fails consumes units too.
 */
export class InMemoryTable {
  readonly items = new Map<string, Item>();
  readonly consumed = { readUnits: 0, writeUnits: 0 };

  constructor(
    readonly tableName: string,
    readonly keyName: string,
  ) {}

  #key(key: Item | undefined): string {
    const value = key?.[this.keyName]?.S;
    if (value === undefined) throw new Error(`in-memory DynamoDB: the key must be {${this.keyName}: {S}}`);
    return value;
  }

  #check(tableName: string | undefined): void {
    if (tableName !== this.tableName) throw new Error(`in-memory DynamoDB: no table ${String(tableName)} (only ${this.tableName})`);
  }

  #read(bytes: number, consistent: boolean): void {
    this.consumed.readUnits += Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
  }

  #write(before: Item | undefined, after: Item | undefined): void {
    const bytes = Math.max(before === undefined ? 0 : itemSizeBytes(before), after === undefined ? 0 : itemSizeBytes(after));
    this.consumed.writeUnits += Math.max(1, Math.ceil(bytes / 1024));
  }

  /** Registers the table's handlers on a mocked DynamoDBClient. */
  serve(mock: AwsClientStub<DynamoDBClient>): void {
    mock.on(GetItemCommand).callsFake((input: { TableName?: string; Key?: Item; ConsistentRead?: boolean }) => {
      this.#check(input.TableName);
      const item = this.items.get(this.#key(input.Key));
      this.#read(item === undefined ? 0 : itemSizeBytes(item), input.ConsistentRead === true);
      return item === undefined ? {} : { Item: structuredClone(item) };
    });
    mock.on(ScanCommand).callsFake((input: { TableName?: string; ConsistentRead?: boolean }) => {
      this.#check(input.TableName);
      const items = [...this.items.values()].map((item) => structuredClone(item));
      this.#read(items.reduce((sum, item) => sum + itemSizeBytes(item), 0), input.ConsistentRead === true);
      return { Items: items, Count: items.length, ScannedCount: items.length };
    });
    mock.on(PutItemCommand).callsFake((input: { TableName?: string; Item?: Item; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values; ReturnValuesOnConditionCheckFailure?: string }) => {
      this.#check(input.TableName);
      if (input.Item === undefined) throw new Error('in-memory DynamoDB: PutItem without Item');
      const key = this.#key(input.Item);
      const old = this.items.get(key);
      if (input.ConditionExpression !== undefined && !evaluateCondition(input.ConditionExpression, old ?? {}, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
        this.#write(old, undefined);
        throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
      }
      this.#write(old, input.Item);
      this.items.set(key, structuredClone(input.Item));
      return {};
    });
    mock.on(UpdateItemCommand).callsFake(
      (input: {
        TableName?: string;
        Key?: Item;
        UpdateExpression?: string;
        ConditionExpression?: string;
        ExpressionAttributeNames?: Names;
        ExpressionAttributeValues?: Values;
        ReturnValues?: string;
        ReturnValuesOnConditionCheckFailure?: string;
      }) => {
        this.#check(input.TableName);
        const key = this.#key(input.Key);
        const old = this.items.get(key);
        if (input.ConditionExpression !== undefined && !evaluateCondition(input.ConditionExpression, old ?? {}, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
          this.#write(old, undefined);
          throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
        }
        if (input.UpdateExpression === undefined) throw new Error('in-memory DynamoDB: UpdateItem without UpdateExpression');
        // UpdateItem on a missing key creates the item (an upsert), with the key attribute.
        const updated = applyUpdate(input.UpdateExpression, old ?? { [this.keyName]: { S: key } }, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
        this.#write(old, updated);
        this.items.set(key, updated);
        if (input.ReturnValues === 'ALL_NEW') return { Attributes: structuredClone(updated) };
        if (input.ReturnValues !== undefined && input.ReturnValues !== 'NONE') throw new Error(`in-memory DynamoDB: ReturnValues ${input.ReturnValues} is not supported`);
        return {};
      },
    );
  }
}

/**
 * An item's size as DynamoDB bills it: attribute names plus values (strings in UTF-8 bytes,
 * numbers about one byte per two digits plus one, 1 byte for BOOL/NULL, 3 bytes plus one per
 * element for maps and lists).
 */
export function itemSizeBytes(item: Item): number {
  const valueSize = (value: AttributeValue): number => {
    if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
    if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\./g, '').length / 2) + 1;
    if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
    if (value.L !== undefined) return 3 + value.L.reduce((sum, each) => sum + 1 + valueSize(each), 0);
    if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, each]) => sum + 1 + Buffer.byteLength(name, 'utf8') + valueSize(each), 0);
    throw new Error(`in-memory DynamoDB: no size rule for ${Object.keys(value).join(',')}`);
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueSize(value), 0);
}
