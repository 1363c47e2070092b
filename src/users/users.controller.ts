import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Auth } from '../auth/decorators/auth.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import {
  ApiEnvelope,
  ApiErrors,
  ApiPaginatedEnvelope,
} from '../common/swagger/api-responses.decorator.js';
import { ListUsersQueryDto } from './dto/list-users.query.js';
import { UpdateProfileDto } from './dto/update-profile.dto.js';
import { UpdateRoleDto } from './dto/update-role.dto.js';
import { UserDto } from './dto/user.dto.js';
import { Role } from './role.enum.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiEnvelope(UserDto)
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.users.getById(user.id);
  }

  @Patch('me')
  @Auth()
  @ApiOperation({
    summary: 'Update own first name, last name, phone or notification preferences',
    description: '`{"notifications": {"email": false}}` stops order emails (checked at send time).',
  })
  @ApiEnvelope(UserDto)
  @ApiErrors(400)
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateProfileDto): Promise<UserDto> {
    return this.users.updateProfile(user.id, dto);
  }

  @Get()
  @Auth(Role.Admin)
  @ApiOperation({ summary: 'List users (admin), newest first; search by email or name' })
  @ApiPaginatedEnvelope(UserDto)
  @ApiErrors(400)
  list(@Query() query: ListUsersQueryDto): Promise<Page<UserDto>> {
    return this.users.list(query);
  }

  @Patch(':id/role')
  @Auth(Role.Admin)
  @ApiOperation({ summary: "Change a user's role (admin); effective on the user's next request" })
  @ApiParam({ name: 'id', description: 'User id' })
  @ApiEnvelope(UserDto)
  @ApiErrors(400, 404)
  setRole(@Param('id') id: string, @Body() dto: UpdateRoleDto): Promise<UserDto> {
    return this.users.setRole(id, dto.role);
  }

  @Delete(':id')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a user (admin); their tokens stop working at once' })
  @ApiParam({ name: 'id', description: 'User id' })
  @ApiEnvelope(null)
  @ApiErrors(404)
  async remove(@Param('id') id: string): Promise<null> {
    await this.users.delete(id);
    return null;
  }
}
