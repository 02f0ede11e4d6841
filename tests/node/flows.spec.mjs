/**
 * The flows scenario (tests/scenarios/flows.ts) under Node, on the installed
 * package's `./binding` and `./simulator` entry points: IVssAsync is awaited
 * on koffi's worker threads. scripts/build_npm.ts transpiles the scenarios
 * next to this file's folder.
 */

import { test } from "node:test";
import * as binding from "@vss/requester/binding";
import * as simulator from "@vss/requester/simulator";
import { flows } from "../scenarios/flows.js";

flows({ test, lane: "Node", binding, simulator });
