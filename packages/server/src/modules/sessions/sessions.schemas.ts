import { Type, type Static } from 'typebox'

const EmailSchema = Type.String({ minLength: 3, maxLength: 254, format: 'email' })
const PasswordSchema = Type.String({ minLength: 1, maxLength: 1024 })
const NewPasswordSchema = Type.String({ minLength: 8, maxLength: 1024, description: 'At least 8 characters.' })

export const SignInBodySchema = Type.Object(
  { email: EmailSchema, password: PasswordSchema },
  { additionalProperties: false, examples: [{ email: 'demo@sx.local', password: 'the printed password' }] },
)

export const ModeBodySchema = Type.Object(
  { livemode: Type.Boolean() },
  { additionalProperties: false, examples: [{ livemode: true }] },
)

export const ChangePasswordBodySchema = Type.Object(
  { current_password: PasswordSchema, new_password: NewPasswordSchema },
  {
    additionalProperties: false,
    examples: [{ current_password: 'the old password', new_password: 'a longer new password' }],
  },
)

export const ResetRequestBodySchema = Type.Object(
  { email: EmailSchema },
  { additionalProperties: false, examples: [{ email: 'demo@sx.local' }] },
)

export const ResetConfirmBodySchema = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 128, description: 'From the emailed link.' }),
    password: NewPasswordSchema,
  },
  {
    additionalProperties: false,
    examples: [{ token: 'the token from the emailed link', password: 'a longer new password' }],
  },
)

export const SessionSchema = Type.Object(
  {
    owner: Type.Object({ email: Type.String() }),
    shop: Type.Object({ id: Type.String(), name: Type.String() }),
    livemode: Type.Boolean({ description: 'The mode /v1 requests made with this session act in.' }),
    csrf_token: Type.String({
      description: 'Send it as the X-CSRF-Token header with every write (non-GET) made with the session cookie.',
    }),
    expires_at: Type.String({
      format: 'date-time',
      description: 'When the session ends if left idle (use moves it forward, up to its absolute limit).',
    }),
  },
  { $id: 'Session' },
)

export const DoneSchema = Type.Object({ ok: Type.Literal(true) })

export type SignInBody = Static<typeof SignInBodySchema>
