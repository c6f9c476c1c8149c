/**
 * How simulators call the hub back: POST with retries after a non-2xx answer or a connection failure, like the
 * real providers, and a record of every attempt for tests and the control page.
 */
export interface DeliveryRecord {
  orderId: string;
  status: string;
  attempt: number;
  httpStatus: number | null;
  at: string;
}

export async function deliverWithRetries(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  retryDelaysMs: number[];
  record: (r: { attempt: number; httpStatus: number | null; answer?: string }) => void;
  isStopped: () => boolean;
}): Promise<boolean> {
  for (let attempt = 1; attempt <= options.retryDelaysMs.length + 1; attempt++) {
    if (options.isStopped()) return false;
    let status: number | null = null;
    let answer: string | undefined;
    try {
      const res = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body: options.body, signal: AbortSignal.timeout(5000) });
      status = res.status;
      // The start of what the hub said, so a refusal's reason can be read on the control page and in tests.
      answer = (await res.text()).slice(0, 500);
    } catch {
      status = null;
    }
    options.record({ attempt, httpStatus: status, answer });
    if (status !== null && status >= 200 && status < 300) return true;
    const delay = options.retryDelaysMs[attempt - 1];
    if (delay === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
  }
  return false;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
