/**
 * Who acts on surveys beyond reading them (hitsm/surveys/selectors.py `MANAGERS`): IT managers
 * and administrators take and close follow-ups, regenerate the monthly report and change the
 * survey settings; the rest of the desk reads.
 */
export function isSurveyManager(me: { roles?: readonly string[]; is_superuser?: boolean } | null | undefined): boolean {
  return Boolean(me?.is_superuser || me?.roles?.some((role) => role === 'manager' || role === 'admin'));
}
