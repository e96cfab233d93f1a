// fetch for tests that restart a simulator on the same port inside one process: the global fetch pool may
// hand the first request after the restart a keep-alive socket of the closed server ("other side closed",
// UND_ERR_SOCKET), as it would any client after a server restart. Such a GET is sent once more, on a new
// socket; any other failure, and any answer, is the caller's.
export async function fetchAcrossRestarts(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const code = ((e as { cause?: { code?: string } }).cause ?? {}).code;
    if (code !== 'UND_ERR_SOCKET' || (init.method ?? 'GET') !== 'GET') throw e;
    return fetch(url, init);
  }
}
