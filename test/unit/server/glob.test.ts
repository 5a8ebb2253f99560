import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesAnyGlob } from '../../../server/glob';

describe('matchesAnyGlob', () => {
  it('matches the default policy globs at any depth, by file name', () => {
    const globs = ['**/*.kms-policy.json', '**/key-policy*.json'];
    assert.equal(matchesAnyGlob('/work/app.kms-policy.json', globs), true);
    assert.equal(matchesAnyGlob('/work/a/b/key-policy.json', globs), true);
    assert.equal(matchesAnyGlob('/work/key-policy-prod.json', globs), true);
    assert.equal(matchesAnyGlob('/work/app.kms-policy.json.bak', globs), false);
    assert.equal(matchesAnyGlob('/work/my-key-policy.json', globs), false);
  });

  it('keeps * inside one folder and ** across folders', () => {
    assert.equal(matchesAnyGlob('/work/policies/a.json', ['policies/*.json']), true);
    assert.equal(matchesAnyGlob('/work/policies/x/a.json', ['policies/*.json']), false);
    assert.equal(matchesAnyGlob('/work/policies/x/a.json', ['policies/**/*.json']), true);
    assert.equal(matchesAnyGlob('/work/policies/a.json', ['policies/**/*.json']), true);
  });

  it('supports ? and {a,b}, and treats other characters literally', () => {
    assert.equal(matchesAnyGlob('/w/k1.json', ['k?.json']), true);
    assert.equal(matchesAnyGlob('/w/k12.json', ['k?.json']), false);
    assert.equal(matchesAnyGlob('/w/a.yaml', ['*.{json,yaml}']), true);
    assert.equal(matchesAnyGlob('/w/a.yml', ['*.{json,yaml}']), false);
    assert.equal(matchesAnyGlob('/w/aXjson', ['a.json']), false);
  });
});
