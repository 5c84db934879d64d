import type { CommandSpec } from '../src/core/spec.js';
import questlog from './questlog.js';
import quest from './quest.js';

/** Every top-level command, in help order. */
export const commands: CommandSpec[] = [questlog, quest];
