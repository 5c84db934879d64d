import { coreMessages, NotFoundError } from './errors.js';
import type { AnyOption } from './options.js';
import { optionHelp, usageLine, type CommandRegistry } from './registry.js';
import type { Reply } from './reply.js';

/** `/questlog help`: every command with its subcommands, generated from the specs. */
export function helpIndex(registry: CommandRegistry): Reply {
  const fields = registry.commands.map((command) => ({
    name: `/${command.name}`,
    value: command.subcommands
      ? `${command.description}\n${Object.entries(command.subcommands)
          .map(([name, sub]) => `\`${name}\` ${sub.description}`)
          .join('\n')}`
      : command.description,
  }));
  return {
    title: 'Questlog commands',
    text: 'Type a command with its options, e.g. `/quest create "Write the report" difficulty:hard estimate:1h30m`. Options go in order or as `name:value`; quote text with spaces.',
    tone: 'info',
    fields,
    footer: 'More on one command: /questlog help quest',
  };
}

/** `/questlog help quest`: usage lines and every option with its allowed values. */
export function helpForCommand(registry: CommandRegistry, name: string): Reply {
  const command = registry.get(name.replace(/^\//, ''));
  if (!command) throw new NotFoundError(coreMessages.no_help({ command: name }));
  const entries = command.root ? [[undefined, command.root] as const] : Object.entries(command.subcommands!);
  const fields = entries.map(([subName, sub]) => {
    const options = Object.entries(sub.options as Record<string, AnyOption>).map(([n, o]) => `• ${optionHelp(n, o)}`);
    const examples = sub.examples?.map((e) => `e.g. \`${e}\``) ?? [];
    return {
      name: usageLine(command, subName),
      value: [sub.description, ...options, ...examples].join('\n'),
    };
  });
  return { title: `/${command.name}: ${command.description}`, tone: 'info', fields };
}
