// Orbit sample app: shared behaviour for every page. Plain browser JS, no build step.
const store = {
  get: (key, fallback) => {
    try {
      return JSON.parse(localStorage.getItem(`orbit.${key}`)) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set: (key, value) => localStorage.setItem(`orbit.${key}`, JSON.stringify(value)),
};

document.documentElement.dataset.theme = resolveTheme(store.get('theme', 'light'));

function resolveTheme(theme) {
  if (theme !== 'system') return theme;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function mountTopbar(current) {
  const bar = document.querySelector('.topbar');
  if (!bar) return;
  for (const link of bar.querySelectorAll('nav a')) {
    if (link.dataset.page === current) link.setAttribute('aria-current', 'page');
  }
  const user = bar.querySelector('.user');
  if (user) user.textContent = store.get('user', 'guest@example.com');
}

const pages = {
  signin() {
    const form = document.querySelector('#signin');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const email = form.email.value.trim();
      const error = form.querySelector('.error');
      if (!email.includes('@') || !form.password.value) {
        error.textContent = 'Enter your email and password.';
        return;
      }
      store.set('user', email);
      location.href = '/dashboard.html';
    });
  },

  dashboard() {
    const seed = [
      { name: 'Website redesign', owner: 'Ada', status: 'active', done: 12, total: 18, when: '2 hours ago' },
      { name: 'Mobile onboarding', owner: 'Grace', status: 'active', done: 5, total: 14, when: 'yesterday' },
      { name: 'Billing migration', owner: 'Linus', status: 'paused', done: 9, total: 20, when: '3 days ago' },
      { name: 'Q3 customer survey', owner: 'Katherine', status: 'done', done: 8, total: 8, when: 'last week' },
    ];
    const projects = store.get('projects', seed);
    const list = document.querySelector('#projects');
    const render = (fresh) => {
      list.replaceChildren(
        ...projects.map((p, i) => {
          const li = document.createElement('li');
          li.className = `row${fresh && i === 0 ? ' new' : ''}`;
          li.title = `${p.done} of ${p.total} tasks done`;
          li.innerHTML = `<div><div class="name"></div><div class="meta"></div>
            <div class="progress"><span style="width:${Math.round((100 * p.done) / Math.max(1, p.total))}%"></span></div></div>
            <span class="pill ${p.status}">${p.status[0].toUpperCase()}${p.status.slice(1)}</span><span class="when"></span>`;
          li.querySelector('.name').textContent = p.name;
          li.querySelector('.meta').textContent = `${p.owner} · ${p.done} of ${p.total} tasks done`;
          li.querySelector('.when').textContent = p.when;
          return li;
        }),
      );
      document.querySelector('#count-active').textContent = projects.filter((p) => p.status === 'active').length;
      document.querySelector('#count-all').textContent = projects.length;
    };
    render(false);

    const dialog = document.querySelector('#new-project');
    const form = dialog.querySelector('form');
    document.querySelector('#open-new').addEventListener('click', () => {
      form.reset();
      dialog.showModal();
    });
    dialog.querySelector('[data-cancel]').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = form.elements.name.value.trim();
      if (!name) return;
      projects.unshift({ name, owner: 'You', status: 'active', done: 0, total: 1, when: 'just now' });
      store.set('projects', projects);
      dialog.close();
      render(true);
    });
  },

  settings() {
    const form = document.querySelector('#settings');
    form.theme.value = store.get('theme', 'light');
    form.weekly.checked = store.get('weekly', false);
    form.theme.addEventListener('change', () => {
      document.documentElement.dataset.theme = resolveTheme(form.theme.value);
    });
    const toast = document.querySelector('.toast');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      store.set('theme', form.theme.value);
      store.set('weekly', form.weekly.checked);
      toast.textContent = 'Settings saved';
      toast.classList.add('show');
      clearTimeout(toast.timer);
      toast.timer = setTimeout(() => toast.classList.remove('show'), 4000);
    });
  },

  changelog() {
    const releases = [
      ['2.6', 'August 18', ['Projects can be archived from the list.', 'Faster search across every workspace.']],
      ['2.5', 'August 4', ['Dark theme, with a System option that follows your device.', 'Weekly summary emails.']],
      ['2.4', 'July 21', ['Keyboard shortcuts: press N for a new project.', 'Clearer empty states.']],
      ['2.3', 'July 7', ['Progress bars on every project.', 'Owners can hand a project to a teammate.']],
      ['2.2', 'June 23', ['CSV export of projects and tasks.', 'Fixed a rare sign-in loop on Safari.']],
      ['2.1', 'June 9', ['Project templates for launches and retrospectives.']],
      ['2.0', 'May 26', ['A new look: lighter, calmer, easier to scan.', 'Projects load twice as fast.']],
      ['1.9', 'May 12', ['Due dates with reminders.', 'Comment threads on tasks.']],
      ['1.8', 'April 28', ['Invite teammates by link.', 'Two-factor sign-in.']],
      ['1.7', 'April 14', ['Paused status for projects on hold.']],
      ['1.6', 'March 31', ['Activity feed on the dashboard.', 'Better printing of project pages.']],
      ['1.5', 'March 17', ['Orbit now works offline and syncs when you reconnect.']],
    ];
    const main = document.querySelector('#releases');
    for (const [version, date, notes] of releases) {
      const card = document.createElement('article');
      card.className = 'card release';
      card.innerHTML = `<h2>Orbit ${version} <time></time></h2><ul></ul>`;
      card.querySelector('time').textContent = date;
      card.querySelector('ul').append(
        ...notes.map((n) => {
          const li = document.createElement('li');
          li.textContent = n;
          return li;
        }),
      );
      main.append(card);
    }
  },
};

const page = document.body.dataset.page;
mountTopbar(page);
pages[page]?.();
