/**
 * The slice of Slack Block Kit our messages use, and the limits Slack enforces on it
 * (Slack's documented limits for incoming webhooks and Block Kit). A payload over a limit is refused with 400
 * invalid_blocks, or silently cut, so builders stay under them and tests check every payload.
 */

export type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
export type Mrkdwn = { type: 'mrkdwn'; text: string };
export type TextObject = PlainText | Mrkdwn;

/** A confirmation dialog (https://api.slack.com/reference/block-kit/composition-objects#confirm). */
export type Confirm = { title: PlainText; text: PlainText; confirm: PlainText; deny: PlainText; style?: 'danger' | 'primary' };
export type Button = { type: 'button'; text: PlainText; action_id: string; value: string; style?: 'danger' | 'primary'; confirm?: Confirm };

export type Block =
  | { type: 'header'; text: PlainText }
  | { type: 'actions'; block_id?: string; elements: Button[] }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** Notification and screen-reader fallback; Slack shows it where blocks cannot be rendered. */
  text: string;
  blocks: Block[];
  /** Only for a click's response_url: replace the message the button was in. */
  replace_original?: boolean;
  /** Only for a click's response_url: `ephemeral` shows the message to the person who clicked, and nobody else. */
  response_type?: 'ephemeral' | 'in_channel';
}

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  /** Our own bound for the fallback: it is a one-line summary, not a second copy of the message. */
  fallbackText: 3000,
  actionsElements: 25,
  blockId: 255,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** msg_blocks_too_long has been seen near 13k characters with every block in bounds; stay well below. */
  totalText: 12_000,
} as const;

/** Returns every violation found; empty means Slack will take the payload. Pure, for builders and tests. */
export function checkSlackLimits(payload: SlackMessage): string[] {
  const problems: string[] = [];
  const L = SLACK_LIMITS;
  if (typeof payload.text !== 'string' || payload.text.trim() === '') problems.push('text fallback is missing');
  else if (payload.text.length > L.fallbackText) problems.push(`text fallback has ${payload.text.length} chars (max ${L.fallbackText})`);
  if (!Array.isArray(payload.blocks)) return [...problems, 'blocks is not an array'];
  if (payload.blocks.length > L.blocks) problems.push(`${payload.blocks.length} blocks (max ${L.blocks})`);
  let total = 0;
  const count = (what: string, text: unknown, max: number) => {
    if (typeof text !== 'string' || text.length === 0) {
      problems.push(`${what}: empty text`);
      return;
    }
    total += text.length;
    if (text.length > max) problems.push(`${what}: ${text.length} chars (max ${max})`);
  };
  payload.blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    switch (block.type) {
      case 'header':
        if (block.text?.type !== 'plain_text') problems.push(`${at}: header text must be plain_text`);
        count(at, block.text?.text, L.headerText);
        break;
      case 'section':
        if (!block.text && !block.fields?.length) problems.push(`${at}: section needs text or fields`);
        if (block.text) count(at, block.text.text, L.sectionText);
        if (block.fields) {
          if (block.fields.length > L.sectionFields) problems.push(`${at}: ${block.fields.length} fields (max ${L.sectionFields})`);
          block.fields.forEach((f, j) => count(`${at} field ${j}`, f.text, L.fieldText));
        }
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > L.contextElements) {
          problems.push(`${at}: ${block.elements.length} elements (1..${L.contextElements})`);
        }
        block.elements.forEach((e, j) => count(`${at} element ${j}`, e.text, L.contextText));
        break;
      case 'actions': {
        if (block.elements.length === 0 || block.elements.length > L.actionsElements) {
          problems.push(`${at}: ${block.elements.length} elements (1..${L.actionsElements})`);
        }
        if (block.block_id !== undefined && (block.block_id.length === 0 || block.block_id.length > L.blockId)) problems.push(`${at}: block_id length`);
        const ids = new Set<string>();
        block.elements.forEach((e, j) => {
          const el = `${at} element ${j}`;
          if (e.type !== 'button') problems.push(`${el}: unsupported element`);
          if (e.text?.type !== 'plain_text') problems.push(`${el}: button text must be plain_text`);
          count(el, e.text?.text, L.buttonText);
          if (typeof e.action_id !== 'string' || e.action_id.length === 0 || e.action_id.length > L.actionId) problems.push(`${el}: action_id length`);
          else if (ids.has(e.action_id)) problems.push(`${el}: duplicate action_id ${e.action_id}`);
          else ids.add(e.action_id);
          if (typeof e.value !== 'string' || e.value.length === 0 || e.value.length > L.buttonValue) problems.push(`${el}: value length (max ${L.buttonValue})`);
          if (e.confirm) {
            const c = e.confirm;
            for (const [part, max] of [['title', L.confirmTitle], ['text', L.confirmText], ['confirm', L.confirmButton], ['deny', L.confirmButton]] as const) {
              if (c[part]?.type !== 'plain_text') problems.push(`${el} confirm ${part}: must be plain_text`);
              count(`${el} confirm ${part}`, c[part]?.text, max);
            }
          }
        });
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${at}: unsupported block type`);
    }
  });
  if (total > L.totalText) problems.push(`blocks hold ${total} chars in total (max ${L.totalText})`);
  return problems;
}
