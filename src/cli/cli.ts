import { promises as fs } from 'fs';
import {
  CommandIo,
  EXIT_NO_FINDINGS,
  EXIT_USAGE_OR_INPUT_ERROR,
  runCredentialReportCommand,
} from './credential-report-command';
import { runExplainCommand } from './explain-command';

const PROGRAM = 'cdk-iam-guardrails';

export const USAGE = `Usage: ${PROGRAM} <command> [options]

Commands:
  credential-report <file>  print the findings in an IAM credential report
                            (run '${PROGRAM} credential-report --help')
  explain <cdk.out | file>  print what each IAM principal may effectively do
                            (run '${PROGRAM} explain --help')

Options:
  -h, --help  show this help
`;

/** The process's own streams and file system. */
export function nodeIo(): CommandIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    readFile: path => fs.readFile(path, 'utf8'),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Dispatches to a subcommand and returns the exit status; never throws. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'credential-report':
        return await runCredentialReportCommand(rest, io);
      case 'explain':
        return await runExplainCommand(rest, io);
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return EXIT_NO_FINDINGS;
      case undefined:
        io.stderr(USAGE);
        return EXIT_USAGE_OR_INPUT_ERROR;
      default:
        io.stderr(`${PROGRAM}: unknown command '${command}'\n\n${USAGE}`);
        return EXIT_USAGE_OR_INPUT_ERROR;
    }
  } catch (e) {
    // Exit status 1 means "findings", so an unexpected failure must not fall through to Node's
    // default of 1 for an uncaught error.
    io.stderr(`${PROGRAM}: unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }
}
