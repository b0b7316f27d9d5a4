import { createTicket, isApiError, type TicketCreated, type TicketKind, type TicketLocation } from '@hitsm/api';
import { reactive, ref } from 'vue';

export const MAX_FILES = 10;

export interface NewTicketForm {
  description: string;
  kind: TicketKind;
  title: string;
  category: number | null;
  location: Omit<TicketLocation, 'campus'>;
  contactPhone: string;
  files: File[];
}

export function emptyNewTicket(phone = ''): NewTicketForm {
  return {
    description: '',
    kind: 'incident',
    title: '',
    category: null,
    location: { building: '', floor: '', room: '', bed: '' },
    contactPhone: phone,
    files: [],
  };
}

/** The requester's form: what it sends (multipart when photos come along) and the errors back. */
export function useNewTicket(phone: string, requiredMessage: string) {
  const form = reactive<NewTicketForm>(emptyNewTicket(phone));
  const errors = ref<Record<string, string>>({});
  const saving = ref(false);

  async function submit(): Promise<TicketCreated | null> {
    errors.value = {};
    if (!form.description.trim() && !form.title.trim()) {
      errors.value = { description: requiredMessage };
      return null;
    }
    saving.value = true;
    try {
      return await createTicket({
        kind: form.kind,
        channel: 'web',
        description: form.description.trim(),
        // Always sent (may be empty): the server derives it from the description then.
        title: form.title.trim(),
        category: form.category ?? undefined,
        contact_phone: form.contactPhone.trim(),
        location: { ...form.location },
        files: form.files.slice(0, MAX_FILES),
      });
    } catch (error) {
      if (isApiError(error) && Object.keys(error.fields).length) {
        const fields: Record<string, string> = {};
        for (const [name, messages] of Object.entries(error.fields)) {
          // "title" is the server's name for "describe the problem" when both are empty.
          fields[name === 'title' && !form.title.trim() ? 'description' : name] = messages[0] ?? '';
        }
        errors.value = fields;
        return null;
      }
      throw error;
    } finally {
      saving.value = false;
    }
  }

  return { form, errors, saving, submit };
}
