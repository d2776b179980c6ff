import { ContractError, WireClient, toReply, type CommandName, type EventName, type InvokeReply, type StddBridge } from '../../contract/api-runtime'

export type SocketState = 'connecting' | 'open' | 'closed'

/**
 * `window.api` in a browser: the contract over the headless server's WebSocket. The socket is
 * authenticated by the cookie the server set when the page was opened with its token. It reconnects
 * with backoff; requests made while it is down wait for the next connection.
 */
export function createSocketBridge(url: string, onState: (s: SocketState) => void = () => undefined): StddBridge {
  let socket: WebSocket | null = null
  let opened: Promise<WebSocket> | null = null
  let retryMs = 250
  const wire = new WireClient((m) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) throw new ContractError('unavailable', 'not connected to the engine')
    socket.send(JSON.stringify(m))
  })

  function connect(): Promise<WebSocket> {
    if (opened) return opened
    onState('connecting')
    opened = new Promise((resolve) => {
      const ws = new WebSocket(url)
      ws.onopen = () => {
        socket = ws
        retryMs = 250
        onState('open')
        resolve(ws)
      }
      ws.onmessage = (e) => {
        try {
          wire.receive(JSON.parse(String(e.data)))
        } catch {
          // ignore a malformed frame
        }
      }
      ws.onclose = () => {
        socket = null
        opened = null
        wire.failAll(new ContractError('unavailable', 'the connection to the engine was lost'))
        onState('closed')
        setTimeout(() => void connect().then(resolve), retryMs)
        retryMs = Math.min(retryMs * 2, 5000)
      }
    })
    return opened
  }
  void connect()

  return {
    transport: 'websocket',
    async invoke(command, input) {
      await connect()
      try {
        return { ok: true, value: await wire.invoke(command as CommandName, input) } as InvokeReply<never>
      } catch (err) {
        return toReply(err)
      }
    },
    on(event, listener) {
      return wire.on(event as EventName, listener as (payload: unknown) => void)
    },
  }
}
