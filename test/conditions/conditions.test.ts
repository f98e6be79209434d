import { App, Aws, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Conditions } from '../../src/conditions/conditions';

const stack = new Stack(new App(), 'ConditionsStack');
const resolve = (value: unknown) => stack.resolve(value);

describe('Conditions.requireMfa', () => {
  test('is the guide\'s Bool aws:MultiFactorAuthPresent condition', () => {
    expect(Conditions.requireMfa()).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
  });

  test('adds a maximum MFA age', () => {
    expect(Conditions.requireMfa(3600)).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
    });
  });

  test.each([0, -5, 1.5, Number.NaN])('rejects maxAgeSeconds %p', (age) => {
    expect(() => Conditions.requireMfa(age)).toThrow(
      `Conditions.requireMfa: invalid maxAgeSeconds ${JSON.stringify(age)}; expected a whole number of seconds, at least 1 (for example 3600)`,
    );
  });

  test('passes a token through', () => {
    const age = Token.asNumber({ Ref: 'MaxAge' });
    expect(resolve(Conditions.requireMfa(age))).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': { Ref: 'MaxAge' } },
    });
  });

  test('is what PolicyStatement.addConditions takes', () => {
    const statement = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] });
    statement.addConditions(Conditions.requireMfa(900));
    expect(statement.toStatementJson().Condition).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': '900' },
    });
  });
});

describe('Conditions.sourceIp', () => {
  test('is the guide\'s IpAddress aws:SourceIp condition', () => {
    expect(Conditions.sourceIp(['10.0.0.0/8'])).toEqual({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } });
  });

  test.each([
    '10.0.0.0/8', '0.0.0.0/0', '203.0.113.5', '203.0.113.5/32', '192.168.1.0/24',
    '2001:db8::/32', '2001:DB8:1234:5678::/64', '::/0', '::1', 'fe80::1/128',
  ])('accepts %s', (cidr) => {
    expect(Conditions.sourceIp([cidr])).toEqual({ IpAddress: { 'aws:SourceIp': [cidr] } });
  });

  test.each([
    '10.0.0.0/33', '10.0.0.256/8', '10.0.0/8', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/08x',
    '2001:db8::/129', '2001:db8:::/32', 'gggg::/16', 'any', '', ' 10.0.0.0/8',
  ])('rejects %p', (cidr) => {
    expect(() => Conditions.sourceIp(['192.0.2.0/24', cidr])).toThrow(
      `Conditions.sourceIp: invalid cidrs[1] ${JSON.stringify(cidr)}; expected an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32`,
    );
  });

  test('rejects an empty list', () => {
    expect(() => Conditions.sourceIp([])).toThrow(
      'Conditions.sourceIp: invalid cidrs []; expected at least one IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32',
    );
  });

  test('passes tokens through', () => {
    const one = Token.asString({ Ref: 'OfficeCidr' });
    expect(resolve(Conditions.sourceIp([one, '10.0.0.0/8']))).toEqual({
      IpAddress: { 'aws:SourceIp': [{ Ref: 'OfficeCidr' }, '10.0.0.0/8'] },
    });
    const list = Token.asList({ Ref: 'OfficeCidrs' });
    expect(resolve(Conditions.sourceIp(list))).toEqual({ IpAddress: { 'aws:SourceIp': { Ref: 'OfficeCidrs' } } });
  });
});

describe('Conditions.secureTransport', () => {
  test('is the guide\'s Bool aws:SecureTransport condition', () => {
    expect(Conditions.secureTransport()).toEqual({ Bool: { 'aws:SecureTransport': 'true' } });
  });
});

describe('Conditions.timeWindow', () => {
  test('is the guide\'s DateGreaterThan / DateLessThan aws:CurrentTime condition', () => {
    expect(Conditions.timeWindow('2024-01-01T08:00:00Z', '2024-01-01T18:00:00Z')).toEqual({
      DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T08:00:00Z' },
      DateLessThan: { 'aws:CurrentTime': '2024-01-01T18:00:00Z' },
    });
  });

  test('accepts offsets and fractional seconds, compared in UTC', () => {
    // 10:00+02:00 is 08:00Z, before 08:30Z.
    expect(() => Conditions.timeWindow('2024-01-01T10:00:00+02:00', '2024-01-01T08:30:00.5Z')).not.toThrow();
    expect(() => Conditions.timeWindow('2024-01-01T08:00Z', '2024-01-01T08:01Z')).not.toThrow();
  });

  test.each([
    '2024-01-01', '2024-01-01T08:00:00', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T08:60:00Z', '01/01/2024 08:00', 'tomorrow',
  ])('rejects start %p', (start) => {
    expect(() => Conditions.timeWindow(start, '2030-01-01T00:00:00Z')).toThrow(
      `Conditions.timeWindow: invalid start ${JSON.stringify(start)}; expected an ISO-8601 date and time with a time zone, such as 2024-01-01T08:00:00Z`,
    );
  });

  test('rejects a bad end', () => {
    expect(() => Conditions.timeWindow('2024-01-01T08:00:00Z', '2024-01-01 18:00')).toThrow(
      'Conditions.timeWindow: invalid end "2024-01-01 18:00"; expected an ISO-8601 date and time with a time zone, such as 2024-01-01T08:00:00Z',
    );
  });

  test.each([
    ['2024-01-01T18:00:00Z', '2024-01-01T08:00:00Z'],
    ['2024-01-01T08:00:00Z', '2024-01-01T08:00:00Z'],
    ['2024-01-01T08:00:00Z', '2024-01-01T09:00:00+02:00'],
  ])('rejects start %s not before end %s', (start, end) => {
    expect(() => Conditions.timeWindow(start, end)).toThrow(
      `Conditions.timeWindow: invalid end ${JSON.stringify(end)}; expected a time after start '${start}'`,
    );
  });

  test('passes tokens through without comparing', () => {
    const start = Token.asString({ Ref: 'Start' });
    expect(resolve(Conditions.timeWindow(start, '2000-01-01T00:00:00Z'))).toEqual({
      DateGreaterThan: { 'aws:CurrentTime': { Ref: 'Start' } },
      DateLessThan: { 'aws:CurrentTime': '2000-01-01T00:00:00Z' },
    });
  });
});

describe('Conditions.principalOrganization', () => {
  test('is a StringEquals aws:PrincipalOrgID condition', () => {
    expect(Conditions.principalOrganization('o-a1b2c3d4e5')).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
    });
  });

  test.each(['o-abc', 'o-ABCDEFGHIJ', 'r-a1b2c3d4e5', 'a1b2c3d4e5', `o-${'a'.repeat(33)}`, 'o-a1b2c3d4e5 '])('rejects %p', (orgId) => {
    expect(() => Conditions.principalOrganization(orgId)).toThrow(
      `Conditions.principalOrganization: invalid orgId ${JSON.stringify(orgId)}; expected an AWS Organizations id matching o-[a-z0-9]{10,32}`,
    );
  });

  test('passes a token through', () => {
    const orgId = Lazy.string({ produce: () => 'o-later' });
    expect(resolve(Conditions.principalOrganization(orgId))).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-later' } });
  });
});

describe('deny statement builders', () => {
  test('denyWithoutMfa denies everything without MFA, IfExists so access keys are covered', () => {
    expect(Conditions.denyWithoutMfa().toStatementJson()).toEqual({
      Sid: 'DenyWithoutMfa',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
  });

  test('denyWithoutMfa takes actions and resources', () => {
    const json = Conditions.denyWithoutMfa(['ec2:TerminateInstances', 'ec2:StopInstances'], ['arn:aws:ec2:*:*:instance/*']).toStatementJson();
    expect(json.Action).toEqual(['ec2:TerminateInstances', 'ec2:StopInstances']);
    expect(json.Resource).toEqual('arn:aws:ec2:*:*:instance/*');
  });

  test('denyWithoutSecureTransport', () => {
    const statement = Conditions.denyWithoutSecureTransport(['s3:*'], ['arn:aws:s3:::b', 'arn:aws:s3:::b/*']);
    statement.addAnyPrincipal();
    expect(statement.toStatementJson()).toEqual({
      Sid: 'DenyWithoutSecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  test('denyOutsideSourceIp exempts calls AWS services make on the principal\'s behalf', () => {
    expect(Conditions.denyOutsideSourceIp(['192.0.2.0/24', '2001:db8::/32']).toStatementJson()).toEqual({
      Sid: 'DenyOutsideSourceIp',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] },
        Bool: { 'aws:ViaAWSService': 'false' },
      },
    });
  });

  test('denyOutsideSourceIp validates its CIDRs', () => {
    expect(() => Conditions.denyOutsideSourceIp(['192.0.2.0/40'])).toThrow(
      'Conditions.denyOutsideSourceIp: invalid cidrs[0] "192.0.2.0/40"; expected an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32',
    );
  });

  test.each([
    ['denyWithoutMfa', () => Conditions.denyWithoutMfa([])],
    ['denyWithoutSecureTransport', () => Conditions.denyWithoutSecureTransport([])],
    ['denyOutsideSourceIp', () => Conditions.denyOutsideSourceIp(['10.0.0.0/8'], [])],
  ])('%s rejects an empty action list', (method, build) => {
    expect(build).toThrow(`Conditions.${method}: invalid actions []; expected at least one action, or omit it to cover every action`);
  });

  test('rejects an empty resource list', () => {
    expect(() => Conditions.denyWithoutMfa(undefined, [])).toThrow(
      'Conditions.denyWithoutMfa: invalid resources []; expected at least one resource ARN, or omit it to cover every resource',
    );
  });

  test('statements resolve in a stack with token resources', () => {
    const statement = Conditions.denyWithoutSecureTransport(undefined, [`arn:${Aws.PARTITION}:s3:::b/*`]);
    expect(resolve(statement.toStatementJson()).Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::b/*']] });
  });
});
