/** Small HTTP helpers for the simulator tests (real HTTP on 127.0.0.1). */

export interface HttpResult {
  status: number;
  contentType: string;
  json: any;
  text: string;
}

export async function request(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text };
}

export function postJson(url: string, body: unknown): Promise<HttpResult> {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
