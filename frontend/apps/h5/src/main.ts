import 'vant/lib/index.css';
import './styles/index.css';

import { createPinia } from 'pinia';
import { createApp } from 'vue';

import App from './App.vue';
import { i18n } from './i18n';
import { createAppRouter } from './router';
import { installAppServices } from './setup';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
const router = createAppRouter();
installAppServices(app, router);
app.use(router);
app.mount('#app');
