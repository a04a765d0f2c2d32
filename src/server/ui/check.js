// "Test connection": POST /api/batch_exports/{id}/check on the export's saved settings.
import { h, messageLine, actionButton } from './dom.js';
import * as api from './api.js';

// `unsaved()` says whether the page holds changes the check would not see.
export function checkControl(exportId, { unsaved = () => false } = {}) {
  const result = messageLine('check-result', 'info');
  const button = actionButton('Test connection', { testid: 'check-button' }, async () => {
    const note = unsaved() ? ' (the saved settings: save to test your changes)' : '';
    result.show(`Testing the connection${note}…`, 'info');
    try {
      await api.checkExport(exportId);
      result.show(`✓ Connection OK${note}: the destination accepted the test.`, 'ok');
    } catch (e) {
      // 422: the destination refused or did not answer (its error type and message).
      result.show(e.status === 422 ? `✕ Connection failed${note}: ${e.type}: ${e.detail}` : `✕ ${api.plainMessage(e)}`, 'error');
    }
  });
  return h('div', { class: 'check' }, button, result.el);
}
