/**
 * The every-method scenario (tests/scenarios/every_method.ts) under Node, on
 * the installed package's `./binding` and `./simulator` entry points.
 * scripts/build_npm.ts transpiles the scenarios next to this file's folder.
 */

import { test } from "node:test";
import * as binding from "@vss/requester/binding";
import * as simulator from "@vss/requester/simulator";
import { everyMethod } from "../scenarios/every_method.js";

everyMethod({ test, lane: "Node", binding, simulator });
