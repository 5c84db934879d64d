import { defineMessages } from '../../core/messages.js';
import { groupWordings } from '../shared/quest-group.messages.js';

export const categoryMessages = defineMessages('category', groupWordings('category'));
