import type { DatabasePool } from 'slonik';
import { insertKycSubmission, type KycSubmissionRow, type NewKycSubmission } from '../../db/kycSubmissions.ts';
import { findKycByUserId, replaceCurrentKyc, type KycRow, type KycStatus } from '../../db/kycVerifications.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import { Rollback, withRollback } from '../common/rollback.ts';
import { setKycStatus } from '../../db/users.ts';
import type { MediaStore } from '../platform/mediaStore.ts';

export type { KycRow };

export type KycSubmitResult =
  /** `kyc`: the new submission (its id is its card's). */
  | { status: 'submitted'; kyc: KycSubmissionRow }
  | { status: 'not_allowed'; current: KycStatus }
  | { status: 'invalid_image'; reason: string };

export type KycDetails = Omit<NewKycSubmission, 'documentFront' | 'documentBack' | 'selfie'>;
export interface KycImages {
  front: Buffer;
  back: Buffer | null;
  selfie: Buffer;
}

export interface KycService {
  current(userId: number): Promise<KycRow | null>;
  /**
   * Stores the photos (upright, without metadata) and saves the (re)submission as a new row (earlier ones stay,
   * with their photos and outcome), setting users.kyc_status to pending; refused while one is open or approved.
   */
  submit(details: KycDetails, images: KycImages): Promise<KycSubmitResult>;
}

class ImageRefused extends Error {}

export function createKycService(deps: { pool: DatabasePool; media: MediaStore }): KycService {
  const { pool, media } = deps;
  const removeAll = (paths: readonly string[]) => Promise.all(paths.map((path) => media.remove(path)));

  return {
    current: (userId) => findKycByUserId(pool, userId),
    async submit(details, images) {
      const stored: string[] = [];
      const store = async (image: Buffer): Promise<string> => {
        const result = await media.storeImage(image, 'kyc');
        if (!result.ok) throw new ImageRefused(result.reason);
        stored.push(result.value.path);
        return result.value.path;
      };
      try {
        const documentFront = await store(images.front);
        const documentBack = images.back ? await store(images.back) : null;
        const selfie = await store(images.selfie);
        const result = await withRollback<KycSubmitResult, KycSubmitResult>(() =>
          pool.transaction(async (tx) => {
            const kyc = await insertKycSubmission(tx, { ...details, documentFront, documentBack, selfie });
            if (!(await replaceCurrentKyc(tx, kyc))) {
              const current = await findKycByUserId(tx, details.userId);
              throw new Rollback<KycSubmitResult>({ status: 'not_allowed', current: current?.status ?? 'PENDING' });
            }
            await setKycStatus(tx, details.userId, 'pending');
            await queueCardPost(tx, 'kyc', kyc.id);
            return { status: 'submitted', kyc };
          }),
        );
        if (result.status === 'not_allowed') await removeAll(stored);
        return result;
      } catch (error) {
        // Photos of a submission that was not saved are not kept.
        await removeAll(stored);
        if (error instanceof ImageRefused) return { status: 'invalid_image', reason: error.message };
        throw error;
      }
    },
  };
}
