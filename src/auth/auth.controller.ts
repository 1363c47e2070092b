import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiEnvelope, ApiErrors } from '../common/swagger/api-responses.decorator.js';
import { AuthService } from './auth.service.js';
import { AccessTokenDto, AuthResponseDto } from './dto/auth-response.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { Public } from './decorators/public.decorator.js';

/** Register and login are rate-limited per client IP (AUTH_RATE_LIMIT per AUTH_RATE_WINDOW_SECONDS). */
@ApiTags('auth')
@Public()
@Controller('auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({ summary: 'Create a customer account and get an access token' })
  @ApiEnvelope(AuthResponseDto, { status: 201, description: 'Account created' })
  @ApiErrors(400, 409, 429)
  register(@Body() dto: RegisterDto): Promise<AuthResponseDto> {
    return this.auth.register(dto);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @ApiEnvelope(AccessTokenDto)
  @ApiErrors(400, 401, 429)
  login(@Body() dto: LoginDto): Promise<AccessTokenDto> {
    return this.auth.login(dto);
  }
}
