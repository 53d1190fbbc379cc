import { Command, CommanderError } from "commander";
import { addClvFitCommand } from "./clv-fit-command";
import { addDemoCommand } from "./demo-command";
import { addIdentityCommands } from "./identity-command";
import { addMigrateCommand } from "./migrate-command";
import { addProduceCommand } from "./produce-command";
import { addQueryCommand } from "./query-command";
import { addReplayCommand } from "./replay-command";
import { addReportCommand } from "./report-command";
import { addSimulateCommand } from "./simulate-command";
import { addTopicsCommand } from "./topics-command";
import { UsageError } from "./usage-error";

/**
 * Exit codes scripts can rely on: 0 done, 1 the work failed (e.g. a model did not converge),
 * 2 bad usage or bad input (the message names the problem).
 */
const program = new Command("cx")
  .description("Customer-experience pipeline tools")
  .showHelpAfterError()
  .exitOverride();
addClvFitCommand(program.command("clv").description("customer lifetime value models"));
addIdentityCommands(program.command("identity").description("operator commands to the identity graph"));
addQueryCommand(program);
addReportCommand(program);
addDemoCommand(program);
addProduceCommand(program);
addReplayCommand(program);
addTopicsCommand(program);
addSimulateCommand(program);
addMigrateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    console.error(`cx: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(`cx: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
