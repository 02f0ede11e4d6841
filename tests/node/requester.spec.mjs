/**
 * The requester scenario (tests/scenarios/requester.ts) under Node, on the
 * installed package: the requester API from `.`, the binding's enums from
 * `./binding`, the simulator from `./simulator`. scripts/build_npm.ts
 * transpiles the scenarios next to this file's folder.
 */

import { test } from "node:test";
import * as requester from "@vss/requester";
import * as binding from "@vss/requester/binding";
import * as simulator from "@vss/requester/simulator";
import { requesterScenario } from "../scenarios/requester.js";

requesterScenario({ test, lane: "Node", binding, requester, simulator });
