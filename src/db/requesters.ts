import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

/** Who made a request, as its admin card shows them: their users row. */
export interface RequesterRow {
  id: number;
  telegram_id: number | null;
  username: string;
  email: string;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
}

const requesterColumnsSchema = z.object({
  requester_id: z.number(),
  requester_telegram_id: z.number().nullable(),
  requester_username: z.string(),
  requester_email: z.string(),
  requester_phone: z.string().nullable(),
  requester_first_name: z.string().nullable(),
  requester_last_name: z.string().nullable(),
});
type RequesterColumns = z.infer<typeof requesterColumnsSchema>;

const requesterColumns = sql.fragment`
  requester.id AS requester_id, requester.telegram_id AS requester_telegram_id, requester.username AS requester_username,
  requester.email AS requester_email, requester.phone AS requester_phone, requester.first_name AS requester_first_name,
  requester.last_name AS requester_last_name
`;

/**
 * A reader of one request with who made it, in one statement (an admin card reads both on every tap): give it the
 * request's row schema once, then the SELECT of the request (a row with user_id) each time.
 */
export function requestWithRequester<S extends z.ZodObject>(schema: S) {
  // Built once: zod compiles a parser per schema.
  const rowSchema = schema.extend(requesterColumnsSchema.shape);
  const requestColumns = columnsOf(schema, 'request');
  return async (db: CommonQueryMethods, request: FragmentSqlToken): Promise<{ row: z.infer<S>; requester: RequesterRow } | null> => {
    const found = (await db.maybeOne(sql.type(rowSchema)`
      SELECT ${requestColumns}, ${requesterColumns} FROM (${request}) request JOIN users requester ON requester.id = request.user_id
    `)) as (z.infer<S> & RequesterColumns) | null;
    if (!found) return null;
    const {
      requester_id: id,
      requester_telegram_id: telegramId,
      requester_username: username,
      requester_email: email,
      requester_phone: phone,
      requester_first_name: firstName,
      requester_last_name: lastName,
      ...row
    } = found;
    return { row: row as z.infer<S>, requester: { id, telegram_id: telegramId, username, email, phone, first_name: firstName, last_name: lastName } };
  };
}
