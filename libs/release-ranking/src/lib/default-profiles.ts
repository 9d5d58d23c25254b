/**
 * The profiles a fresh install starts with, after Radarr's and Sonarr's seeded ones. None allows
 * a pre-release (CAM, TELESYNC, TELECINE, WORKPRINT, screener), a disc image (DVD-R, BR-DISK) or
 * a raw MPEG-2 capture (Raw-HD): those are for users who ask for them.
 *
 * They carry no size limits: a limit is per film or per episode, and one number cannot suit a
 * 2-hour film and a 22-minute episode. Admins add them to the profiles they use for one or the
 * other.
 */
import type { QualityProfile } from './quality-profile';

export interface DefaultQualityProfile {
  /** A stable identifier, to seed and later find the profile. */
  readonly key: string;
  /** The profile new films and series get unless the user picks another. */
  readonly isDefault: boolean;
  readonly profile: QualityProfile;
}

/** 3D releases are unwatchable on an ordinary screen. */
const NO_3D: QualityProfile['terms'] = [
  { term: '3d', kind: 'ignored' },
  { term: 'hsbs', kind: 'ignored' },
  { term: 'half-sbs', kind: 'ignored' },
  { term: 'half-ou', kind: 'ignored' },
];

const profile = (name: string, qualities: QualityProfile['qualities'], cutoff: QualityProfile['cutoff']): QualityProfile => ({
  name,
  qualities,
  cutoff,
  terms: NO_3D,
  minSeeders: 1,
});

export const DEFAULT_QUALITY_PROFILES: readonly DefaultQualityProfile[] = deepFreeze([
  {
    key: 'any',
    isDefault: false,
    // Grab whatever comes first, keep upgrading until a 1080p WEB-DL.
    profile: profile(
      'Any',
      [
        'Remux-2160p',
        'Bluray-2160p',
        'WEBDL-2160p',
        'WEBRip-2160p',
        'HDTV-2160p',
        'Remux-1080p',
        'Bluray-1080p',
        'WEBDL-1080p',
        'WEBRip-1080p',
        'HDTV-1080p',
        'Bluray-720p',
        'WEBDL-720p',
        'WEBRip-720p',
        'HDTV-720p',
        'Bluray-576p',
        'Bluray-480p',
        'WEBDL-480p',
        'WEBRip-480p',
        'DVD',
        'SDTV',
      ],
      'WEBDL-1080p',
    ),
  },
  {
    key: 'sd',
    isDefault: false,
    profile: profile('SD', ['Bluray-576p', 'Bluray-480p', 'WEBDL-480p', 'WEBRip-480p', 'DVD', 'SDTV'], 'Bluray-480p'),
  },
  {
    key: 'hd-720p-1080p',
    isDefault: false,
    profile: profile(
      'HD-720p/1080p',
      ['Bluray-1080p', 'WEBDL-1080p', 'WEBRip-1080p', 'HDTV-1080p', 'Bluray-720p', 'WEBDL-720p', 'WEBRip-720p', 'HDTV-720p'],
      'WEBDL-1080p',
    ),
  },
  {
    key: 'hd-1080p',
    isDefault: true,
    // Encodes, not remuxes: a 1080p remux is 20–40 GB for little visible gain.
    profile: profile('HD-1080p', ['Bluray-1080p', 'WEBDL-1080p', 'WEBRip-1080p', 'HDTV-1080p'], 'Bluray-1080p'),
  },
  {
    key: 'ultra-hd',
    isDefault: false,
    profile: profile('Ultra-HD', ['Remux-2160p', 'Bluray-2160p', 'WEBDL-2160p', 'WEBRip-2160p', 'HDTV-2160p'], 'Bluray-2160p'),
  },
]);

/** The profile marked as the default. */
export const DEFAULT_QUALITY_PROFILE: QualityProfile = (() => {
  const found = DEFAULT_QUALITY_PROFILES.find((entry) => entry.isDefault);
  if (!found) throw new Error('DEFAULT_QUALITY_PROFILES has no default');
  return found.profile;
})();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
