import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role } from '../role.enum.js';

/** A user as any route returns it: never the password hash. */
export class UserDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'asha@example.in' })
  email: string;

  @ApiProperty({ example: 'Asha' })
  firstName: string;

  @ApiProperty({ example: 'Rao' })
  lastName: string;

  @ApiPropertyOptional({ example: '9876543210', nullable: true })
  phone: string | null;

  @ApiProperty({ enum: Role, example: Role.Customer })
  role: Role;

  @ApiProperty({ example: { email: true }, description: 'Which notifications the user wants' })
  notifications: { email: boolean };

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}
