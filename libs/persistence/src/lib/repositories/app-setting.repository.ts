import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppSettingEntity } from '../entities/app-setting.entity';

@Injectable()
export class AppSettingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.dataSource.getRepository(AppSettingEntity).findOneBy({ key });
    return row?.value as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.dataSource.getRepository(AppSettingEntity).upsert({ key, value: value as object }, ['key']);
  }
}
