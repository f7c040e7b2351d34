// REST calls of chat, typed by the server's contract.
import type { Attachment, Contact, Conversation, ConversationSummary, Message } from '@lectern/server/contract/chat';
import { accessToken, api, fetchFile, request } from '../api.js';

export type { Attachment, Contact, Conversation, ConversationSummary, Message };

export const chatApi = {
  list: () => api.get<ConversationSummary[]>('/api/chats'),
  get: (id: string) => api.get<Conversation>(`/api/chats/${id}`),
  contacts: () => api.get<Contact[]>('/api/chats/contacts'),
  createGroup: (title: string, memberIds: string[]) => api.post<Conversation>('/api/chats', { kind: 'group', title, memberIds }),
  openDirect: (userId: string) => api.post<Conversation>('/api/chats', { kind: 'direct', memberIds: [userId] }),
  sessionChat: (sessionId: string) => api.get<Conversation>(`/api/sessions/${sessionId}/chat`),
  history: (id: string, q: { after?: number; before?: number; limit?: number; parentId?: string }) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    return api.get<Message[]>(`/api/chats/${id}/messages?${p.toString()}`);
  },
  send: (id: string, body: { text: string; clientId: string; parentId?: string; attachmentIds?: string[] }) => api.post<Message>(`/api/chats/${id}/messages`, body),
  edit: (id: string, mid: string, text: string) => request<Message>('PATCH', `/api/chats/${id}/messages/${mid}`, { text }),
  remove: (id: string, mid: string) => request<Message>('DELETE', `/api/chats/${id}/messages/${mid}`),
  react: (id: string, mid: string, emoji: string) => api.post(`/api/chats/${id}/messages/${mid}/reactions`, { emoji }),
  pin: (id: string, messageId: string) => api.post(`/api/chats/${id}/pins`, { messageId }),
  unpin: (id: string, messageId: string) => request('DELETE', `/api/chats/${id}/pins/${messageId}`),
  pins: (id: string) => api.get<Message[]>(`/api/chats/${id}/pins`),
  read: (id: string, seq: number) => api.post<{ lastReadSeq: number }>(`/api/chats/${id}/read`, { seq }),
  search: (q: string) => api.get<(Message & { conversationTitle: string })[]>(`/api/chats/search?q=${encodeURIComponent(q)}`),
  addMembers: (id: string, userIds: string[]) => api.post<Conversation>(`/api/chats/${id}/members`, { userIds }),
  removeMember: (id: string, userId: string) => request<Conversation>('DELETE', `/api/chats/${id}/members/${userId}`),
};

/** Uploads one file with progress (0..1); resolves with the stored attachment. */
export function uploadFile(conversationId: string, file: File, onProgress: (f: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/chats/${conversationId}/files`);
    // XMLHttpRequest for upload progress (fetch has none); the token is api.ts's.
    const token = accessToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status === 201) resolve(JSON.parse(xhr.responseText) as Attachment);
      else {
        let message = `Upload failed (${xhr.status})`;
        try {
          message = (JSON.parse(xhr.responseText) as { error: { message: string } }).error.message;
        } catch {
          // keep the status
        }
        reject(new Error(message));
      }
    };
    xhr.onerror = () => reject(new Error('Upload failed: network error'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Files are served to members only, so <img> gets a blob URL fetched with the bearer token. */
const blobCache = new Map<string, Promise<string>>();
export function fileUrl(url: string): Promise<string> {
  let p = blobCache.get(url);
  if (!p) {
    p = fetchFile(url).then((f) => URL.createObjectURL(f.blob));
    blobCache.set(url, p);
    p.catch(() => blobCache.delete(url));
  }
  return p;
}
