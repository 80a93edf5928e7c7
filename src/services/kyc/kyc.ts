import type { DatabasePool } from 'slonik';
import { findKycByUserId, upsertKycSubmission, type KycRow, type KycStatus, type KycSubmission } from '../../db/kycVerifications.ts';
import { setKycStatus } from '../../db/users.ts';
import type { MediaStore } from '../platform/mediaStore.ts';

export type { KycRow };

export type KycSubmitResult =
  | { status: 'submitted'; kyc: KycRow }
  | { status: 'not_allowed'; current: KycStatus }
  | { status: 'invalid_image'; reason: string };

export type KycDetails = Omit<KycSubmission, 'documentFront' | 'documentBack' | 'selfie'>;
export interface KycImages {
  front: Buffer;
  back: Buffer | null;
  selfie: Buffer;
}

export interface KycService {
  current(userId: number): Promise<KycRow | null>;
  /**
   * Stores the photos (upright, without metadata) and saves the (re)submission, setting users.kyc_status to
   * pending; refused while a submission is open or approved.
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
        const result = await pool.transaction(async (tx) => {
          const kyc = await upsertKycSubmission(tx, { ...details, documentFront, documentBack, selfie });
          if (!kyc) {
            const current = await findKycByUserId(tx, details.userId);
            return { status: 'not_allowed', current: current?.status ?? 'PENDING' } as const;
          }
          await setKycStatus(tx, details.userId, 'pending');
          return { status: 'submitted', kyc } as const;
        });
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
