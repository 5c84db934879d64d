import { benchGamification } from './gamification.bench.js';
await benchGamification(process.env.DATABASE_URL!);
