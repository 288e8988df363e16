# One image for every component of the hub; docker-compose.yml picks the component per service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
COPY prisma.config.ts ./
# package.json's overrides install a stand-in from vendor/ (see README, Node versions).
COPY vendor ./vendor
RUN npm ci
COPY . .
ENV HOST=0.0.0.0 NODE_ENV=production
RUN mkdir -p /data && chown node:node /data
USER node
# node itself (not npx/tsx, which run node in a child process) gets the stop signal.
ENTRYPOINT ["node", "--import", "tsx", "src/cli/serve.ts"]
CMD ["all"]
