import { ApiProperty } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';
import { Role } from '../role.enum.js';

export class UpdateRoleDto {
  @ApiProperty({ enum: Role, example: Role.Admin })
  @IsEnum(Role)
  role: Role;
}
