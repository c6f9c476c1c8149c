import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const userSchema = new Schema<UserDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    role: { type: String, enum: USER_ROLES, required: true, default: 'user' },
    /** Set only on the built-in administrator that ADMIN_API_KEY authenticates as. */
    systemKey: { type: String, unique: true, sparse: true },
    disabledAt: { type: Date },
  },
  { timestamps: true, collection: 'users' },
);

export interface UserDoc {
  _id: Types.ObjectId;
  name: string;
  role: UserRole;
  systemKey?: string;
  disabledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
export const userModel = (conn: Connection): Model<UserDoc> => conn.model<UserDoc>('User', userSchema);
