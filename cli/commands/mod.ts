/**
 * Every subcommand of the CLI, in the order `--help` lists them.
 *
 * @module
 */

import type { Entry } from "../command.ts";
import { copyCommand } from "./copy.ts";
import { createCommand } from "./create.ts";
import { deleteCommand } from "./delete.ts";
import { diffAreasGroup } from "./diff_areas.ts";
import { exposeCommand, unexposeCommand } from "./expose.ts";
import { importCommand } from "./import.ts";
import { listCommand } from "./list.ts";
import { providersCommand } from "./providers.ts";
import { breakCommand, revertCommand } from "./recovery.ts";
import { restoreCommand } from "./restore.ts";
import { volumeSupportCommand } from "./volume_support.ts";
import { writersGroup } from "./writers.ts";

/** The commands and command groups. */
export const ENTRIES: readonly Entry[] = [
  createCommand,
  copyCommand,
  listCommand,
  deleteCommand,
  exposeCommand,
  unexposeCommand,
  writersGroup,
  breakCommand,
  revertCommand,
  importCommand,
  restoreCommand,
  providersCommand,
  diffAreasGroup,
  volumeSupportCommand,
];
