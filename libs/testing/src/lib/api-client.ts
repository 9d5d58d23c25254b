import WebSocket from 'ws';
import { eventually } from './eventually';

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

async function send<T>(url: string, init: RequestInit): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export function getJson<T = unknown>(url: string, token?: string): Promise<JsonResponse<T>> {
  return send<T>(url, { headers: bearer(token) });
}

export function postJson<T = unknown>(url: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return send<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export interface Account {
  userId: string;
  username: string;
  role: 'admin' | 'user';
  accessToken: string;
}

/** Registers `username` on the gateway and logs in (the first account of a stack is its admin). */
export async function signUp(gatewayUrl: string, username: string): Promise<Account> {
  const password = `correct horse battery ${username}`;
  const registered = await postJson<{ id: string; role: 'admin' | 'user' }>(`${gatewayUrl}/api/v1/auth/register`, {
    username,
    email: `${username}@example.test`,
    password,
  });
  if (registered.status !== 201) throw new Error(`register ${username}: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await postJson<{ accessToken: string }>(`${gatewayUrl}/api/v1/auth/login`, { login: username, password });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
  return { userId: registered.body.id, username, role: registered.body.role, accessToken: login.body.accessToken };
}

/** A WebSocket client, authenticated with `token`, that keeps every frame it received. */
export async function openSocket(url: string, token: string): Promise<{ socket: WebSocket; frames: Array<Record<string, unknown>> }> {
  const socket = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token }));
  await eventually(() => {
    if (!frames.some((f) => f['type'] === 'authenticated')) throw new Error('not authenticated yet');
  });
  return { socket, frames };
}
