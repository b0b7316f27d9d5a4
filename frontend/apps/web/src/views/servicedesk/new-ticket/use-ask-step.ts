import { askInitial, askKnowledge, createAskFlow, reportKnowledgeOutcome, type AskState, type KnowledgeChannel } from '@hitsm/api';
import { shallowRef } from 'vue';

/**
 * The knowledge base's answer before the ticket form (packages/api knowledge-rules.ts): the
 * state for the template, the flow for the buttons.
 */
export function useAskStep(channel: KnowledgeChannel) {
  const state = shallowRef<AskState>(askInitial());
  const flow = createAskFlow({
    channel,
    onChange: (next) => (state.value = next),
    ask: (question, on) => askKnowledge(question, on),
    report: (id, body) => reportKnowledgeOutcome(id, body),
  });
  return { state, flow };
}
