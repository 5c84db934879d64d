import type { CommandSpec } from '../src/core/spec.js';
import questlog from './questlog.js';
import help from './help.js';
import quest from './quest.js';
import step from './step.js';
import tag from './tag.js';
import category from './category.js';
import project from './project.js';
import profile from './profile.js';
import achievements from './achievements.js';
import streak from './streak.js';
import leaderboard from './leaderboard.js';
import stats from './stats.js';
import settings from './settings.js';
import notifications from './notifications.js';
import suggest from './suggest.js';

/** Every top-level command, in help order. */
export const commands: CommandSpec[] = [
  questlog,
  help,
  quest,
  step,
  tag,
  category,
  project,
  profile,
  achievements,
  streak,
  leaderboard,
  stats,
  settings,
  notifications,
  suggest,
];
