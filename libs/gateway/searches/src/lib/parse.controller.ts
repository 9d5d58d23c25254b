import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ZodValidationPipe } from '@sokoul/gateway/http';
import { type ParsedRelease, parseReleaseTitle } from '@sokoul/release-parser';
import { type ParseQueryDto, parsedReleaseSchema, parseQuerySchema } from './release.dto';

/** What a release title says, as the scouts read it (like Sonarr's `/api/v3/parse`). */
@Controller('parse')
export class ParseController {
  @Get()
  @ApiOperation({ summary: 'Parse a release title: title, year, season and episodes, quality, codecs, languages, group', response: parsedReleaseSchema })
  parse(@Query(new ZodValidationPipe(parseQuerySchema)) query: ParseQueryDto): ParsedRelease {
    return parseReleaseTitle(query.title);
  }
}
