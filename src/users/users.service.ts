import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model } from 'mongoose';
import { Page, skipFor } from '../common/pagination/pagination.js';
import { UserDto } from './dto/user.dto.js';
import { Role } from './role.enum.js';
import { User, UserDocument } from './schemas/user.schema.js';
import { EmailTakenError, UserNotFoundError } from './users.errors.js';
import { isDuplicateKeyError } from '../common/database/duplicate-key.js';

export interface NewUser {
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  phone?: string;
  role: Role;
}

/** The credentials view of a user, for the Auth module only. */
export interface UserCredentials {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /** @throws EmailTakenError when the email is already registered (unique index). */
  async create(input: NewUser): Promise<UserDto> {
    try {
      const created = await this.users.create({ ...input, email: normaliseEmail(input.email) });
      return toUserDto(created);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new EmailTakenError();
      throw error;
    }
  }

  /** Creates the user unless the email exists; returns whether it was created. Idempotent. */
  async ensure(input: NewUser): Promise<boolean> {
    const result = await this.users.updateOne(
      { email: normaliseEmail(input.email) },
      { $setOnInsert: { ...input, email: normaliseEmail(input.email) } },
      { upsert: true },
    );
    return result.upsertedCount > 0;
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    const user = await this.users
      .findOne({ email: normaliseEmail(email) }, { email: 1, role: 1, passwordHash: 1 })
      .lean();
    return user
      ? {
          id: String(user._id),
          email: user.email,
          role: user.role,
          passwordHash: user.passwordHash,
        }
      : null;
  }

  async findById(id: string): Promise<UserDto | null> {
    if (!isValidObjectId(id)) return null;
    const user = await this.users.findById(id);
    return user ? toUserDto(user) : null;
  }

  async getById(id: string): Promise<UserDto> {
    const user = await this.findById(id);
    if (!user) throw new UserNotFoundError(id);
    return user;
  }

  async updateProfile(
    id: string,
    changes: {
      firstName?: string;
      lastName?: string;
      phone?: string;
      notifications?: { email?: boolean };
    },
  ): Promise<UserDto> {
    const { notifications, ...profile } = changes;
    const set: Record<string, unknown> = { ...profile };
    // Field by field, so a partial preference update keeps the others.
    if (notifications?.email !== undefined) set['notifications.email'] = notifications.email;
    const user = isValidObjectId(id)
      ? await this.users.findByIdAndUpdate(id, { $set: set }, { new: true, runValidators: true })
      : null;
    if (!user) throw new UserNotFoundError(id);
    return toUserDto(user);
  }

  async setRole(id: string, role: Role): Promise<UserDto> {
    const user = isValidObjectId(id)
      ? await this.users.findByIdAndUpdate(id, { $set: { role } }, { new: true })
      : null;
    if (!user) throw new UserNotFoundError(id);
    return toUserDto(user);
  }

  async delete(id: string): Promise<void> {
    const result = isValidObjectId(id) ? await this.users.deleteOne({ _id: id }) : null;
    if (!result?.deletedCount) throw new UserNotFoundError(id);
  }

  async list(query: {
    page: number;
    limit: number;
    search?: string;
    role?: Role;
  }): Promise<Page<UserDto>> {
    const filter: Record<string, unknown> = {};
    if (query.role) filter.role = query.role;
    if (query.search?.trim()) {
      const pattern = new RegExp(escapeRegex(query.search.trim()), 'i');
      filter.$or = [{ email: pattern }, { firstName: pattern }, { lastName: pattern }];
    }
    const [items, total] = await Promise.all([
      this.users
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(query))
        .limit(query.limit),
      this.users.countDocuments(filter),
    ]);
    return { items: items.map(toUserDto), page: query.page, limit: query.limit, total };
  }

  /** Emails of the given users, for denormalising onto orders and shipments. */
  async findContacts(
    ids: string[],
  ): Promise<Map<string, { email: string; firstName: string; lastName: string }>> {
    const valid = ids.filter((id) => isValidObjectId(id));
    const users = await this.users
      .find({ _id: { $in: valid } }, { email: 1, firstName: 1, lastName: 1 })
      .lean();
    return new Map(
      users.map((u) => [
        String(u._id),
        { email: u.email, firstName: u.firstName, lastName: u.lastName },
      ]),
    );
  }
}

export function toUserDto(user: UserDocument): UserDto {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    phone: user.phone ?? null,
    role: user.role,
    notifications: { email: user.notifications?.email ?? true },
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
