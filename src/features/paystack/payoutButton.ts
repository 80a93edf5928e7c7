/** "📤 Send with Paystack" on a withdrawal card: `ps:send:<withdrawal id>`. */
export const SEND_WITH_PAYSTACK = /^ps:send:(\d+)$/;

export function sendWithPaystackData(withdrawalId: number): string {
  return `ps:send:${withdrawalId}`;
}
