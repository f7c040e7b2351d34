import { describe, expect, it } from 'vitest';
import { describeProblems, fieldLabel } from './validationWords.js';

describe('validation words', () => {
  it('validation: field paths and zod messages become sentences', () => {
    expect(fieldLabel('currentPassword')).toBe('Current password');
    expect(describeProblems([{ instancePath: '/email', message: 'Invalid email address' }]).message).toBe('Email: enter a valid email address.');
    expect(describeProblems([{ instancePath: '/password', message: 'Too small: expected string to have >=10 characters' }]).message).toBe(
      'Password: must be at least 10 characters.',
    );
    expect(describeProblems([{ instancePath: '/name', message: 'Invalid input: expected string, received undefined' }]).message).toBe('Name: is required.');
    expect(describeProblems([{ instancePath: '/role', message: 'Invalid option: expected one of "admin"|"teacher"' }]).message).toBe('Role: must be one of admin, teacher.');
  });
});
