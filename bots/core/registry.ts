/** Collects the commands every module contributes; refuses duplicates so two modules cannot shadow each other. */
import type { ChatCommand } from './command.js';

const NAME = /^[a-z0-9_]{1,32}$/;

export class CommandRegistry<Services = any> {
  private readonly byName = new Map<string, ChatCommand<any, Services>>();
  private readonly ordered: ChatCommand<any, Services>[] = [];

  add(...commands: ChatCommand<any, Services>[]): this {
    for (const command of commands) {
      for (const key of [command.name, ...(command.aliases ?? [])]) {
        if (!NAME.test(key)) throw new Error(`chat command name ${JSON.stringify(key)} must be 1-32 of a-z 0-9 _`);
        const existing = this.byName.get(key);
        if (existing) throw new Error(`chat command /${key} is contributed twice (${existing.name} and ${command.name})`);
        this.byName.set(key, command);
      }
      this.ordered.push(command);
    }
    return this;
  }

  find(name: string): ChatCommand<any, Services> | undefined {
    return this.byName.get(name.toLowerCase());
  }

  list(): readonly ChatCommand<any, Services>[] {
    return this.ordered;
  }

  visible(): ChatCommand<any, Services>[] {
    return this.ordered.filter((c) => !c.hidden);
  }
}
