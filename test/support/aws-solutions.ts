import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** Runs AwsSolutionsChecks and also records which findings an acknowledgment suppressed. */
export function checkAwsSolutions(scope: IConstruct) {
  const suppressed: string[] = [];
  const original = (NagPack.prototype as any).isAcknowledged;
  const spy = jest.spyOn(NagPack.prototype as any, 'isAcknowledged').mockImplementation(function (this: any, ...args: any[]) {
    const acknowledged = original.apply(this, args);
    if (acknowledged) suppressed.push(`${(args[0] as IConstruct).node.path} ${args[1]}`);
    return acknowledged;
  });
  try {
    return { report: new AwsSolutionsChecks().validateScope(scope), suppressed };
  } finally {
    spy.mockRestore();
  }
}
