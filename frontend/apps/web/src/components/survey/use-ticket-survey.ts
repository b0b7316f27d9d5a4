import {
  answerSurvey,
  getTicketSurvey,
  isSurveyConflict,
  isApiError,
  missingSurveyScores,
  surveyAnswerBody,
  surveyAnswerErrors,
  surveyFormScores,
  surveyState,
  type Survey,
  type SurveyState,
  type TicketDetail,
} from '@hitsm/api';
import { computed, ref, watch, type Ref } from 'vue';

import { useNow } from '@/composables/use-now';
import { i18n } from '@/i18n';
import { reportError } from '@/errors';

export type SurveySubmit = 'saved' | 'invalid' | 'conflict';

/**
 * The ticket's satisfaction survey on the ticket page: read when the ticket is shown and again when its
 * status changes (resolving or closing it opens the survey), the form's scores and comment, the
 * answer sent from the web channel, and the edit window kept current with the app's clock.
 * `readOnly` (IT staff) shows the answer, never the form.
 */
export function useTicketSurvey(ticket: Ref<TicketDetail | null>, readOnly: Ref<boolean>) {
  const survey = ref<Survey | null>(null);
  const scores = ref<Record<string, number>>({});
  const comment = ref('');
  const errors = ref<Record<string, string>>({});
  const editing = ref(false);
  const saving = ref(false);
  /** The server's words when an answer came too late (shown as a toast). */
  const notice = ref('');
  // the app's shared clock: "may still change the answer until …" ends on time
  const now = useNow();

  const state = computed<SurveyState | null>(() => (survey.value ? surveyState(survey.value, now.value, { readOnly: readOnly.value }) : null));
  /** The stars can be tapped: a survey to answer, or an answer being changed. */
  const formOpen = computed(() => state.value === 'open' || (state.value === 'editable' && editing.value));

  function reset(): void {
    scores.value = survey.value ? surveyFormScores(survey.value) : {};
    comment.value = survey.value?.comment ?? '';
    errors.value = {};
  }

  let serial = 0;
  async function load(): Promise<void> {
    const id = ticket.value?.id;
    const mine = (serial += 1);
    if (!id) {
      survey.value = null;
      return;
    }
    const found = await getTicketSurvey(id);
    if (mine !== serial) return;
    survey.value = found;
    editing.value = false;
    reset();
  }

  function startEdit(): void {
    reset();
    editing.value = true;
  }

  function cancelEdit(): void {
    reset();
    editing.value = false;
  }

  /** Send the answer; the fixed questions are checked here first, the rest by the server. */
  async function submit(): Promise<SurveySubmit> {
    const current = survey.value;
    if (!current) return 'invalid';
    const missing = missingSurveyScores(scores.value);
    if (missing.length) {
      const labels = new Map(current.questions.map((q) => [q.key, q.label]));
      errors.value = Object.fromEntries(missing.map((key) => [key, i18n.global.t('survey.required', { label: labels.get(key) ?? key })]));
      return 'invalid';
    }
    saving.value = true;
    try {
      survey.value = await answerSurvey(current.id, surveyAnswerBody(current.questions, scores.value, comment.value, 'web'));
      editing.value = false;
      reset();
      return 'saved';
    } catch (error) {
      if (isSurveyConflict(error) && isApiError(error)) {
        // closed, expired or the ticket reopened meanwhile: say so and show the survey as it is
        notice.value = error.message;
        await load();
        return 'conflict';
      }
      if (isApiError(error) && Object.keys(error.fields).length) {
        errors.value = surveyAnswerErrors(error);
        return 'invalid';
      }
      throw error;
    } finally {
      saving.value = false;
    }
  }

  watch(
    () => [ticket.value?.id, ticket.value?.status],
    () => void load().catch(reportError),
    { immediate: true },
  );

  return { survey, scores, comment, errors, notice, editing, saving, state, formOpen, load, startEdit, cancelEdit, submit };
}
