/**
 * The simulator's control API for tests (see `simulator/control.ts`).
 *
 * @module
 */

export * from "../../simulator/control.ts";
