// First day, admin (point 2): courses (create, rename, assign the teacher, archive),
// enrolment by CSV upload with a preview that names the one bad row, and users (search,
// paging, edit name and role, disable and re-enable, temporary password).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserSuite } from './support.js';
import { inEveryLook, openFirstdaySuite, openPage, shot, signInAs, type FirstdayServer } from './firstdaySupport.js';

describe('first day: admin', () => {
  let server: FirstdayServer;
  let browser: Browser;
  let admin: Awaited<ReturnType<FirstdayServer['user']>>;
  beforeAll(async () => {
    ({ server, browser } = await openFirstdaySuite());
    admin = await server.user('admin', 'Ada Admin');
  });
  afterAll(() => closeBrowserSuite(browser, server));

  it('courses: create, rename, assign the teacher; CSV enrolment previews a bad row and enrols the rest; remove asks first; archive', async () => {
    const tess = await server.user('teacher', 'Tess Teacher');
    const tom = await server.user('teacher', 'Tom Teacher');
    const ann = await server.user('student', 'Ann Student');
    const ben = await server.user('student', 'Ben Student');

    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, admin.email, admin.password);
    await page.getByRole('link', { name: 'Courses' }).click();
    await page.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create course' }).click();
    await page.getByText('Enter a course title.').waitFor();
    await page.getByLabel('Title').fill('Biology');
    await page.locator('#course-owner').selectOption({ label: 'Tess Teacher' });
    await page.getByRole('button', { name: 'Create course' }).click();
    await page.getByRole('link', { name: 'Biology', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Rename Biology' }).click();
    await page.getByLabel('New title of Biology').fill('Biology 101');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'Biology 101', exact: true }).waitFor();
    const teacherSelect = page.getByLabel('Teacher').first();
    await teacherSelect.selectOption({ label: 'Tom Teacher' });
    await expect.poll(async () => ((await server.api<{ ownerId: string }[]>('GET', '/api/admin/courses', undefined, admin.token)).body)[0]?.ownerId).toBe(tom.id);
    expect(tess.id).not.toBe(tom.id);

    await page.getByRole('link', { name: 'Students of Biology 101' }).click();
    await page.getByRole('heading', { name: 'Biology 101' }).waitFor();
    const csv = `name,email\nAnn Student,${ann.email}\n"Student, Ben",${ben.email.toUpperCase()}\nTypo,ann.example.test\n`;
    await page.locator('input[type=file]').setInputFiles({ name: 'biology.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('2 of 3 rows can be enrolled; 1 has a problem.').waitFor();
    const bad = page.locator('tr.row-error');
    expect(await bad.count()).toBe(1);
    expect(await bad.textContent()).toContain('ann.example.test');
    expect(await bad.textContent()).toContain('Problem: This is not an email address.');
    await shot(page, 'admin-enrol-preview-desktop-light');
    await page.getByRole('button', { name: 'Enrol 2 students' }).click();
    await page.getByText('Enrolled 2 students. 1 row was skipped.').waitFor();
    await page.getByRole('button', { name: 'Remove Ann Student' }).waitFor();

    await page.getByRole('button', { name: 'Remove Ann Student' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Ann Student from Biology 101?' });
    await dialog.waitFor();
    await shot(page, 'admin-remove-confirm-desktop-light');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect(await page.getByRole('button', { name: 'Remove Ann Student' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove Ann Student' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove student' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Remove Ann Student' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Remove Ben Student' }).waitFor();

    await page.getByRole('link', { name: '← All courses' }).click();
    await page.getByRole('button', { name: 'Archive Biology 101' }).click();
    await page.getByRole('link', { name: 'Biology 101', exact: true }).waitFor({ state: 'detached' });
    await page.getByLabel('Show 1 archived').check();
    await page.getByRole('button', { name: 'Restore Biology 101' }).waitFor();
    await context.close();

    await inEveryLook(browser, async (page, vp, scheme) => {
      await signInAs(page, server.url, admin.email, admin.password);
      await page.goto(`${server.url}/admin/courses`);
      await page.getByLabel('Show 1 archived').check();
      await shot(page, `admin-courses-${vp}-${scheme}`);
      const id = ((await server.api<{ id: string }[]>('GET', '/api/admin/courses', undefined, admin.token)).body)[0]!.id;
      await page.goto(`${server.url}/admin/courses/${id}`);
      await page.getByRole('button', { name: 'Remove Ben Student' }).waitFor();
      await shot(page, `admin-course-students-${vp}-${scheme}`);
    });
  });

  it('users: search and paging; edit name and role; disable and re-enable; a temporary password works', async () => {
    for (let i = 0; i < 22; i++) await server.user('student', `Pupil ${String(i).padStart(2, '0')}`);
    const sue = await server.user('student', 'Sue Smith');
    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, admin.email, admin.password);
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByText('Page 1').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();

    await page.getByLabel('Search by name or email').fill('sue');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Edit Sue Smith' }).click();
    const editor = page.getByRole('form', { name: 'Edit Sue Smith' });
    await editor.getByLabel('Name', { exact: true }).fill('Sue Smythe');
    await editor.getByLabel('Role', { exact: true }).selectOption('mentor');
    await editor.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    const after = await server.api<{ name: string; role: string }>('GET', `/api/users/${sue.id}`, undefined, admin.token);
    expect(after.body).toMatchObject({ name: 'Sue Smythe', role: 'mentor' });

    await page.getByRole('button', { name: 'Disable account' }).click();
    await page.getByText('Account disabled: they can no longer sign in.').waitFor();
    expect((await server.api('POST', '/api/auth/login', { email: sue.email, password: sue.password })).status).toBe(401);
    await page.getByRole('button', { name: 'Enable account' }).click();
    await page.getByText('Account enabled.').waitFor();
    expect((await server.api('POST', '/api/auth/login', { email: sue.email, password: sue.password })).status).toBe(200);

    await page.getByRole('button', { name: 'Set temporary password' }).click();
    const temp = (await page.getByTestId('temp-password').textContent())!;
    expect(temp).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((await server.api('POST', '/api/auth/login', { email: sue.email, password: temp })).status).toBe(200);
    await shot(page, 'admin-users-edit-desktop-light');
    await context.close();

    await inEveryLook(browser, async (page, vp, scheme) => {
      await signInAs(page, server.url, admin.email, admin.password);
      await page.goto(`${server.url}/admin/users`);
      await page.getByText('Page 1').waitFor();
      await shot(page, `admin-users-${vp}-${scheme}`);
    });
  });
});
