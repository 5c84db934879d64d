import type { Reply } from '../../core/reply.js';
import { linkMessages } from './link.messages.js';
import type { LinkSide } from './link.rules.js';
import type { RedeemResult } from './link.service.js';

const PLATFORM_NAMES: Record<string, string> = { discord: 'Discord', slack: 'Slack', console: 'console' };

export function codeReply(issued: { code: string; minutes: number }): Reply {
  return { title: 'Link your accounts', text: linkMessages.code_issued(issued).text, tone: 'info', ephemeral: true };
}

function describeSide(side: LinkSide): string {
  return `${side.quests} quest${side.quests === 1 ? '' : 's'} and ${side.experiencePoints} XP`;
}

export function redeemReply(result: RedeemResult): Reply {
  if (result.kind === 'confirm') {
    const absorbed = result.absorbedIsHere ? result.here : result.there;
    const offset = Math.max(result.absorbedIsHere ? result.there.questCounter : result.here.questCounter, 0);
    const platforms = result.therePlatforms.map((p) => PLATFORM_NAMES[p] ?? p).join(' and ') || 'other';
    const renumbered = absorbed.quests
      ? linkMessages.renumber_plan({ side: result.absorbedIsHere ? 'this account' : `the ${platforms} account`, offset }).text
      : '';
    return {
      title: 'Merge the two accounts?',
      text: linkMessages.merge_prompt({ here: describeSide(result.here), there: `${describeSide(result.there)} (${platforms})`, renumbered }).text,
      tone: 'neutral',
      ephemeral: true,
      buttons: [{ label: 'Merge', action: `questlog link code:${result.code} confirm:yes`, style: 'danger' }],
    };
  }
  const { outcome } = result;
  const lines = [linkMessages.linked({ quests: outcome.quests, xp: outcome.experiencePoints, level: outcome.level }).text];
  if (outcome.movedRange && outcome.offset > 0) {
    lines.push(
      linkMessages.renumbered({
        side: result.absorbedIsHere ? 'this account' : 'the other account',
        from: outcome.movedRange.from,
        to: outcome.movedRange.to,
        offset: outcome.offset,
      }).text,
    );
  }
  return { text: lines.join('\n'), tone: 'success', ephemeral: true };
}
