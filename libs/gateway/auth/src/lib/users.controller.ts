import { Body, Controller, Get, Param, Patch, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, type Principal, RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, ZodValidationPipe } from '@sokoul/gateway/http';
import { z } from 'zod';
import { type UpdateUserDto, type UserDto, type UserPageDto, listUsersSchema, updateUserSchema, userPageSchema, userSchema } from './auth.dto';
import { UsersService } from './users.service';

const userIdSchema = z.uuid({ error: 'expected a user id (UUID)' });

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user', response: userSchema })
  me(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return this.users.get(principal.userId);
  }

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: 'All users, a page at a time', response: userPageSchema })
  list(@Query(new ZodValidationPipe(listUsersSchema)) query: z.infer<typeof listUsersSchema>): Promise<UserPageDto> {
    return this.users.list(query.limit, query.cursor);
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: "Change a user's role or disable them (never the last admin: 409)", response: userSchema, errors: [409] })
  update(
    @Param('id', new ZodValidationPipe(userIdSchema)) id: string,
    @Body(new ZodValidationPipe(updateUserSchema)) body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<UserDto> {
    return this.users.update(id, body, principal.userId, clientInfo(request));
  }
}
