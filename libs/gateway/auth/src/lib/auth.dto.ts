import { z } from 'zod';
import type { UserEntity } from '@sokoul/persistence';
import { REGISTRATION_MODES } from './auth.options';

export const registerSchema = z.strictObject({
  username: z
    .string({ error: 'username is required' })
    .trim()
    .regex(/^[A-Za-z0-9_.-]{3,50}$/, { error: 'username: 3 to 50 letters, digits, dots, dashes or underscores' }),
  email: z.email({ error: 'email must be an email address' }).max(254),
  password: z
    .string({ error: 'password is required' })
    .min(10, { error: 'password must be at least 10 characters' })
    .max(256, { error: 'password must be at most 256 characters' }),
  /** Needed when registration is `invite`; ignored otherwise. */
  inviteCode: z.string().regex(/^[A-Za-z0-9_-]{32}$/, { error: 'not an invite code' }).optional(),
});
export type RegisterDto = z.infer<typeof registerSchema>;

export const loginSchema = z.strictObject({
  login: z.string({ error: 'login (username or email) is required' }).trim().min(1).max(254),
  password: z.string({ error: 'password is required' }).min(1).max(256),
});
export type LoginDto = z.infer<typeof loginSchema>;

export const refreshTokenSchema = z.strictObject({
  refreshToken: z.string({ error: 'refreshToken is required' }).regex(/^[A-Za-z0-9_-]{43}$/, { error: 'not a refresh token' }),
});
export type RefreshTokenDto = z.infer<typeof refreshTokenSchema>;

export const updateUserSchema = z
  .strictObject({
    role: z.enum(['admin', 'user']).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, { error: 'give role or disabled' });
export type UpdateUserDto = z.infer<typeof updateUserSchema>;

export const listUsersSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid().optional(),
});

export const registrationSettingsSchema = z.strictObject({
  registration: z.enum(REGISTRATION_MODES, { error: 'registration is open, invite or closed' }),
});
export type RegistrationSettingsDto = z.infer<typeof registrationSettingsSchema>;

export const tokensSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('JWT; send as `Authorization: Bearer <accessToken>`'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
  refreshToken: z.string().describe('single use: POST it to /auth/refresh for a new pair'),
  refreshExpiresIn: z.number().int().describe('seconds until the refresh token expires'),
});
export type TokensDto = z.infer<typeof tokensSchema>;

export const userSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'user']),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type UserDto = z.infer<typeof userSchema>;

export const userPageSchema = z.object({ items: z.array(userSchema), nextCursor: z.string().nullable() });
export type UserPageDto = z.infer<typeof userPageSchema>;

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

export type { ClientInfo } from '@sokoul/gateway/http';
