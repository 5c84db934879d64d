import type { Invocation } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import { questButtons, questLine } from '../../modules/quest/quest.presenter.js';
import type { AppServices } from '../../modules/services.js';

/**
 * The App Home quest section: each open quest with its own Start / Complete
 * buttons, which a list reply (one text block, paging buttons) cannot give.
 * Uses the same presenter as the commands; the buttons run through dispatch.
 */
export async function openQuestCards(services: AppServices, invocation: Invocation): Promise<Reply[]> {
  const user = await services.users.resolve(invocation.identity, invocation.space, invocation.hints);
  const page = await services.quests.listQuests(user.id, { status: 'open', page: 1 });
  if (!page.total) {
    return [{ title: 'Your open quests', text: 'Nothing open. Start one with `/quest create "Write the report" difficulty:hard estimate:1h30m`.', tone: 'info' }];
  }
  const more = page.total > page.quests.length ? `Showing ${page.quests.length} of ${page.total}: \`/quest list\` pages through all of them.` : undefined;
  return [
    { title: 'Your open quests', footer: more, tone: 'info' },
    ...page.quests.map((quest) => ({ text: questLine(quest), buttons: questButtons(quest) })),
  ];
}
