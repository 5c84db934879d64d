import { plain, ValidationError } from '../src/core/errors.js';
import { opt, OptionValueError } from '../src/core/options.js';
import { LONGEST_COLOR_NAME, parseColor } from '../src/modules/shared/color.rules.js';

/** Options shared by several commands, so limits and wording agree everywhere. */
export const questTitle = () => opt.text({ description: 'Quest title', required: true, max: 255 });
export const questRef = (description = 'Quest number (#12) or title') => opt.quest({ description, required: true });
/** One or several quests: `12 13 14`, `#12,#13`, or one title. */
export const questRefs = (description = 'Quest numbers (12 13 or #12,#13) or one title') => opt.quests({ description, required: true });
export const difficulty = () => opt.choice({ description: 'How hard it is', choices: ['easy', 'medium', 'hard', 'epic'] });
export const priority = () => opt.choice({ description: 'How urgent it is', choices: ['low', 'medium', 'high', 'urgent'] });
export const estimate = () => opt.duration({ description: 'Estimated time, e.g. 45m or 1h30m', min: 1, max: 1440 });
export const tagList = <R extends boolean = false>(required?: R) =>
  opt.text({ description: 'Comma-separated tags, e.g. work,urgent', max: 500, required: required as R });

/** Splits `a, b,c` into tag names, each within the seed's 50-character limit. */
export function splitTags(value: string | undefined, field = 'tags'): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((t) => t.trim().replace(/^#/, ''))
    .filter(Boolean)
    .map((t) => {
      if (t.length > 50) throw new TagTooLong(field, t);
      return t;
    });
}

class TagTooLong extends ValidationError {
  constructor(field: string, tag: string) {
    super(plain(`\`${field}\`: each tag must be at most 50 characters ("${tag.slice(0, 20)}…" has ${tag.length}).`), { field });
  }
}

/** A `#RRGGBB` colour (the `#` may be left out) or a common colour name (`teal`), stored as upper-case hex; other input names the option. */
export const color = (description = 'Colour as #RRGGBB or a name, e.g. #FF8800 or teal') => {
  const text = opt.text({ description, max: Math.max(7, LONGEST_COLOR_NAME) });
  return {
    ...text,
    parse(raw: unknown): string {
      const value = String(raw).trim();
      const hex = parseColor(value);
      if (!hex) {
        throw new OptionValueError(`must be a colour as #RRGGBB or a name, e.g. #FF8800, teal or red (got "${value.slice(0, 20)}")`);
      }
      return hex;
    },
  };
};
