import { describe, expect, it } from 'vitest';
import { configFromContext, parseConfig } from '../../lib/config.js';
import { ValidationError } from '../../src/errors.js';
import { exampleConfig } from './synth.js';

function problemWith(config: unknown): ValidationError {
  try {
    parseConfig(config);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

function withChange(change: (config: Record<string, unknown>) => void): Record<string, unknown> {
  const config = exampleConfig();
  change(config);
  return config;
}

const EXISTING_VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  subnets: [
    { subnetId: 'subnet-0aaaaaaaaaaaaaaa1', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0aaaaaaaaaaaaaaa1' },
    { subnetId: 'subnet-0bbbbbbbbbbbbbbb2', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0bbbbbbbbbbbbbbb2' },
  ],
};

describe('parseConfig', () => {
  it('accepts the example in cdk.json and fills in the defaults', () => {
    const config = parseConfig(exampleConfig());

    expect(config.namePrefix).toBe('trustpoint');
    expect(config.options).toEqual({ leaseTtlSeconds: 7200, keepGenerations: 2, maxConcurrency: 5, toleratedFailurePercentage: 20 });
    expect(config.logRetentionDays).toBe(365);
    expect(config.schedules).toEqual({ renewFleet: 'cron(0 3 * * ? *)', backupFleet: 'cron(0 2 ? * SUN *)', timeZone: 'Etc/UTC', enabled: true });
    expect(parseConfig(withChange((c) => delete c['schedules'])).schedules.backupFleet).toBe('cron(0 2 ? * SUN *)');
  });

  it.each([
    ['no configuration at all', undefined, 'trustpoint', 'no configuration'],
    ['a bad account id', withChange((c) => (c['account'] = '1234')), 'trustpoint.account', '12-digit'],
    ['neither caArn nor createCa', withChange((c) => delete c['createCa']), 'trustpoint.caArn', 'either caArn'],
    ['both caArn and createCa', withChange((c) => (c['caArn'] = 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/0a1b2c3d-1111-2222-3333-444455556666')), 'trustpoint.caArn', 'not both'],
    ['a CA ARN that is not one', withChange((c) => { delete c['createCa']; c['caArn'] = 'arn:aws:acm:eu-west-1:111111111111:certificate/x'; }), 'trustpoint.caArn', 'certificate authority ARN'],
    ['a CA in another region', withChange((c) => { delete c['createCa']; c['caArn'] = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/0a1b2c3d-1111-2222-3333-444455556666'; }), 'trustpoint.caArn', 'same region'],
    ['a template ARN that is not one', withChange((c) => (c['templateArn'] = 'EndEntityCertificate/V1')), 'trustpoint.templateArn', 'template ARN'],
    ['an ASA management CIDR of /0', withChange((c) => (c['asaManagementCidrs'] = ['0.0.0.0/0'])), 'trustpoint.asaManagementCidrs.0', 'every address'],
    ['a malformed CIDR', withChange((c) => (c['asaManagementCidrs'] = ['10.20.0.0/24', '10.300.0.0/24'])), 'trustpoint.asaManagementCidrs.1', 'IPv4 CIDR'],
    ['no ASA management CIDR', withChange((c) => (c['asaManagementCidrs'] = [])), 'trustpoint.asaManagementCidrs', 'at least one'],
    ['a bad subnet id', withChange((c) => (c['vpc'] = { ...EXISTING_VPC, subnets: [{ ...EXISTING_VPC.subnets[0], subnetId: 'subnet-x' }, EXISTING_VPC.subnets[1]] })), 'trustpoint.vpc.subnets.0.subnetId', 'subnet id'],
    ['subnets in one zone only', withChange((c) => (c['vpc'] = { ...EXISTING_VPC, subnets: [EXISTING_VPC.subnets[0], { ...EXISTING_VPC.subnets[1], availabilityZone: 'eu-west-1a' }] })), 'trustpoint.vpc.subnets', 'at least 2 availability zones'],
    ['a subnet in another region', withChange((c) => (c['vpc'] = { ...EXISTING_VPC, subnets: [EXISTING_VPC.subnets[0], { ...EXISTING_VPC.subnets[1], availabilityZone: 'us-east-1b' }] })), 'trustpoint.vpc.subnets.1.availabilityZone', 'not in eu-west-1'],
    ['existing endpoints without their security group', withChange((c) => (c['vpc'] = { ...EXISTING_VPC, createEndpoints: false })), 'trustpoint.vpc.endpointSecurityGroupId', 'existing interface endpoints'],
    ['a schedule that is not a Scheduler expression', withChange((c) => (c['schedules'] = { renewFleet: '0 3 * * *' })), 'trustpoint.schedules.renewFleet', 'cron(0 3 * * ? *)'],
    ['a weekly backup schedule that is not a Scheduler expression', withChange((c) => (c['schedules'] = { backupFleet: 'weekly' })), 'trustpoint.schedules.backupFleet', 'cron(0 2 ? * SUN *)'],
    ['a bad notification email', withChange((c) => (c['notificationEmail'] = 'netops')), 'trustpoint.notificationEmail', 'email'],
    ['a bad name prefix', withChange((c) => (c['namePrefix'] = 'Trust Point')), 'trustpoint.namePrefix', 'lowercase'],
    ['a concurrency above the Map cap', withChange((c) => (c['options'] = { maxConcurrency: 100 })), 'trustpoint.options.maxConcurrency', '40'],
    ['an unknown field', withChange((c) => (c['backupSchedule'] = 'cron(0 4 ? * SUN *)')), 'trustpoint.backupSchedule', 'Unrecognized'],
  ])('names the field for %s', (_case, config, field, expected) => {
    const error = problemWith(config);

    expect(error.field).toBe(field);
    expect(error.message).toContain(expected);
  });

  it('accepts an existing VPC with its subnets and route tables', () => {
    const config = parseConfig(withChange((c) => (c['vpc'] = EXISTING_VPC)));

    expect(config.vpc).toEqual({ ...EXISTING_VPC, createEndpoints: true });
  });

  it('reads the configuration as JSON text from -c trustpoint=...', () => {
    expect(configFromContext(JSON.stringify(exampleConfig())).region).toBe('eu-west-1');
    expect(() => configFromContext('{not json')).toThrow(/trustpoint: not valid JSON/);
  });
});
