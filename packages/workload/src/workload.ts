import {
  type Channel,
  identifierKeys,
  noExperience,
  type Touchpoint,
  type TouchpointType,
} from "@cx/contracts";
import { customerIdFor } from "@cx/identity";
import { decisionLogId } from "@cx/offers";
import { normal, seededRandom, type Uniform } from "@cx/random";
import {
  channelOrder,
  DayTable,
  dayMs,
  localDay,
  localDayStart,
  timeOfDay,
  weekdayFactor,
  weekdayOf,
} from "./calendar";
import { EventQueue } from "./event-queue";
import {
  type CustomerKind,
  customerKinds,
  drawKind,
  type KindBehaviour,
  kindBehaviours,
  referredKinds,
} from "./kinds";
import { answerChannel, type OfferToAnswer, planResponse, sellingKinds } from "./offer-response";
import { hashText, mix32, Person } from "./person";

export interface WorkloadOptions {
  /** Same seed, same options → the same population and the same stream. Default 1. */
  readonly seed?: number;
  /** Size of the starting population (promoters' referrals add more as the stream runs). */
  readonly customers: number;
  /** Length of the period in days. Default 120. */
  readonly days?: number;
  /** Start of the period, epoch ms. Default 2025-09-01T00:00Z (so 120 days reach December). */
  readonly startAt?: number;
  /** Key of the identifier HMAC; pass the gateway's IDENTIFIER_HASH_KEY to get its hashes. */
  readonly hashKey?: string;
  /** Shares of the kinds in the starting population; missing kinds keep their default share. */
  readonly mix?: Partial<Record<CustomerKind, number>>;
  readonly currency?: string;
}

export interface Workload {
  readonly seed: number;
  readonly startAt: number;
  /** End of the period (exclusive): no touchpoint occurs at or after it. */
  readonly endAt: number;
  /** The population; grows while the stream runs, as promoters' friends join. */
  readonly persons: readonly Person[];
  /**
   * The touchpoints of the whole period in time order (occurredAt never decreases), generated
   * lazily: memory holds the population and the near future, never the stream. Can be iterated
   * once per workload (create another with the same options for the same stream again).
   */
  touchpoints(): Generator<Touchpoint>;
  /**
   * The person behind a pipeline customer id. Customer ids are derived by the enricher from the
   * identifier that created the customer (customerIdFor), so any of the person's identifiers is
   * tried; ids the caller linked explicitly (link) come first.
   */
  personOf(customerId: string): Person | undefined;
  /** Records that `customerId` is the person holding these identifiers (e.g. from an enriched touchpoint). */
  link(customerId: string, identifiers: Touchpoint["identifiers"]): Person | undefined;
  /**
   * The person's answer to an offer the pipeline sent, as an `offer_response` touchpoint carrying
   * the decision id, or null when the person never answers (the offer expires) or is not known.
   * Deterministic per seed and decision id, whatever the order of calls; answering the same
   * decision again returns the same touchpoint. `at` is when the offer reached the person
   * (default: offer.decidedAt). Accepted win-backs bring drifting and lapsed customers back, and
   * accepted recovery calms unhappy ones, so later touchpoints of that person reflect the answer.
   */
  respondToOffer(offer: OfferToAnswer, at?: number): Touchpoint | null;
}

const emptyIdentifiers: Touchpoint["identifiers"] = {
  loyaltyId: null,
  emailHash: null,
  phoneHash: null,
  deviceId: null,
  socialHandle: null,
};

const sourceSystems: Record<Channel, string> = {
  store: "store-till",
  phone: "call-center",
  web: "web-analytics",
  social: "social-listening",
};
const consentScopes = ["email", "sms", "push"] as const;
const consentBits = { email: 1, sms: 2, push: 4, phone: 8, post: 16, all: 31 } as const;
const skus = Array.from({ length: 400 }, (_, index) => `SKU-${String(index + 1).padStart(5, "0")}`);
const stores = [
  "berlin-mitte",
  "hamburg-altona",
  "munich-center",
  "cologne-ring",
  "leipzig-hbf",
  "online-hub",
];
const storeAttributes = stores.map((store) => Object.freeze({ store }));
const networks = ["x", "instagram", "tiktok", "facebook"];
const lapseFactor = 0.06;

interface Purchase {
  readonly at: number;
  readonly listMinor: number;
  readonly discountMinor: number;
  readonly lineItems: Touchpoint["lineItems"];
}

/** A person's mutable state while the stream runs. */
class Agent {
  readonly random: Uniform;
  /** Channel weights (store, phone, web, social) with channels the person cannot be seen on at 0. */
  readonly storeWeight: number;
  readonly phoneWeight: number;
  readonly webWeight: number;
  readonly socialWeight: number;
  /** The largest weekday-weighted sum of the weights: the thinning bound. */
  readonly bound: number;
  /** The weights' mix averaged over the week: the rate is per average day. */
  readonly averageMix: number;
  rate: number;
  complaint: number;
  mood: number;
  readonly reach: number;
  readonly homeStore: Readonly<Record<string, string>>;
  driftFrom: number;
  readonly halfLifeDays: number;
  active = true;
  started = false;
  waking = false;
  wakeAt = 0;
  nextChannel: Channel = "web";
  erasureAt = Number.POSITIVE_INFINITY;
  consent = 0;
  sequence = 0;
  /** For a referred friend: the promoter and whether the friend's first contact is a purchase. */
  referrer: Agent | null = null;
  converts = false;

  constructor(
    readonly person: Person,
    readonly behaviour: KindBehaviour,
    seed: number,
  ) {
    const random = seededRandom(mix32(seed, person.index, 0x5eed));
    this.random = random;
    const weights = behaviour.channels.map((weight) => weight * (0.5 + random()));
    if (person.socialHandle === null) weights[3] = 0;
    if (!person.hasPhone && person.loyaltyId === null) weights[1] = (weights[1] ?? 0) * 0.3;
    [this.storeWeight, this.phoneWeight, this.webWeight, this.socialWeight] = weights as [
      number,
      number,
      number,
      number,
    ];
    let bound = 0;
    for (let weekday = 0; weekday < 7; weekday++) {
      let sum = 0;
      for (let channel = 0; channel < 4; channel++)
        sum += (weights[channel] ?? 0) * weekdayFactor(channelOrder[channel] as Channel, weekday);
      bound = Math.max(bound, sum);
    }
    let average = 0;
    for (let weekday = 0; weekday < 7; weekday++) {
      for (let channel = 0; channel < 4; channel++)
        average += ((weights[channel] ?? 0) * weekdayFactor(channelOrder[channel] as Channel, weekday)) / 7;
    }
    this.averageMix = average;
    this.bound = bound / average;
    // Rates spread log-normally around the kind's: within a kind some people simply come more often.
    this.rate = behaviour.contactsPerDay * Math.exp(0.5 * normal(random) - 0.125);
    this.complaint = behaviour.complaint;
    this.mood = Math.max(-1, Math.min(1, behaviour.mood + 0.2 * normal(random)));
    this.reach = Math.round(behaviour.reach * Math.exp(normal(random)));
    this.homeStore = storeAttributes[Math.floor(random() * storeAttributes.length)] as Readonly<
      Record<string, string>
    >;
    this.driftFrom = Number.POSITIVE_INFINITY;
    this.halfLifeDays = 8 + random() * 25;
  }

  /** Activity factor at a time: 1, or for a drifting customer the decay since the drift began. */
  activity(at: number): number {
    if (at <= this.driftFrom) return 1;
    return 0.5 ** ((at - this.driftFrom) / dayMs / this.halfLifeDays);
  }
}

/** A log-normal draw by its median and sigma. */
const logNormal = (random: Uniform, median: number, sigma: number) =>
  median * Math.exp(sigma * normal(random));
const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));
const round2 = (value: number) => Math.round(value * 100) / 100;

export function createWorkload(options: WorkloadOptions): Workload {
  const seed = options.seed ?? 1;
  const days = options.days ?? 120;
  const startAt = options.startAt ?? Date.UTC(2025, 8, 1);
  const endAt = startAt + days * dayMs;
  const hashKey = options.hashKey ?? "cx-workload-identifier-hashing-key-0";
  const currency = options.currency ?? "EUR";
  if (!Number.isInteger(options.customers) || options.customers < 1)
    throw new Error("customers must be a whole number of at least 1");
  if (!(days > 0)) throw new Error("days must be positive");
  if (hashKey.length < 32) throw new Error("the identifier hashing key must have at least 32 characters");

  const dayTable = new DayTable(startAt, days);
  const mix = customerKinds.map((kind) => [kind, options.mix?.[kind] ?? kindBehaviours[kind].share] as const);
  const persons: Person[] = [];
  const agents: Agent[] = [];
  const queue = new EventQueue<Agent | Touchpoint>();
  const eventPrefix = `wl${seed}-`;
  let clock = startAt;
  let started = false;

  const newPerson = (kind: CustomerKind, joinedAt: number, referredBy: number | null): Agent => {
    const index = persons.length;
    const random = seededRandom(mix32(seed, index, 0x1d));
    const behaviour = kindBehaviours[kind];
    const tag = `${seed.toString(36)}${index.toString(36)}`;
    // Everyone has an email on file except some occasional shoppers; referred friends were invited by email.
    const hasEmail = referredBy !== null || random() < 0.9;
    const hasLoyalty = random() < behaviour.loyaltyCard;
    const phoneDigits = String(mix32(seed, index, 0x9) % 100_000_000).padStart(8, "0");
    const hasPhone = random() < behaviour.phone;
    const deviceCount = Math.max(1, Math.min(3, Math.round(behaviour.devices * (0.5 + random()))));
    const deviceIds = Array.from(
      { length: deviceCount },
      (_, device) => `dev-${mix32(seed, index, device, 0xde).toString(16).padStart(8, "0")}${tag}`,
    );
    const social = random() < behaviour.social;
    const network = networks[Math.floor(random() * networks.length)] as string;
    const person = new Person(
      index,
      kind,
      joinedAt,
      referredBy,
      {
        loyaltyId: hasLoyalty ? `L${String(mix32(seed, index, 0x10) % 1e9).padStart(9, "0")}-${tag}` : null,
        email: hasEmail || (!hasLoyalty && !hasPhone) ? `c${tag}@example.com` : null,
        phone: hasPhone ? `+49151${phoneDigits}` : null,
        deviceIds,
        socialHandle: social ? `${network}:@cx_${tag}` : null,
      },
      hashKey,
    );
    const agent = new Agent(person, behaviour, seed);
    if (kind === "drifting") agent.driftFrom = startAt + random() * 0.45 * days * dayMs;
    if (random() < behaviour.erasure) agent.erasureAt = joinedAt + random() * (endAt - joinedAt);
    persons.push(person);
    agents.push(agent);
    return agent;
  };

  for (let index = 0; index < options.customers; index++) {
    const u = seededRandom(mix32(seed, index, 0xca))();
    const kind = drawKind(mix, u);
    const joinedAt =
      kind === "new" ? startAt + seededRandom(mix32(seed, index, 0x70))() * 0.9 * days * dayMs : startAt;
    newPerson(kind, Math.floor(joinedAt), null);
  }

  // ---- touchpoint construction -------------------------------------------------------------------

  const touch = (
    agent: Agent,
    at: number,
    channel: Channel,
    type: TouchpointType,
    identifiers: Touchpoint["identifiers"],
  ): Touchpoint => {
    const delay = channel === "store" ? 60_000 + agent.random() * 900_000 : 200 + agent.random() * 4000;
    return {
      eventId: `${eventPrefix}${agent.person.index}-${agent.sequence++}`,
      occurredAt: at,
      receivedAt: Math.floor(at + delay),
      channel,
      type,
      identifiers,
      amount: null,
      sentiment: null,
      sourceSystem: sourceSystems[channel],
      lineItems: [],
      experience: noMeasures,
      offerResponse: null,
      consent: null,
      social: null,
      referral: null,
      attributes: channel === "store" ? agent.homeStore : noAttributes,
    };
  };

  const identifiersOn = (
    agent: Agent,
    channel: Channel,
    random: Uniform = agent.random,
  ): Touchpoint["identifiers"] => {
    const person = agent.person;
    let loyaltyId: string | null = null;
    let emailHash: string | null = null;
    let phoneHash: string | null = null;
    let deviceId: string | null = null;
    let socialHandle: string | null = null;
    const roll = random();
    switch (channel) {
      case "store":
        loyaltyId = roll < 0.9 ? person.loyaltyId : null;
        if (loyaltyId === null || roll < 0.2) emailHash = person.emailHash; // e-receipt
        break;
      case "web":
        deviceId = person.deviceIds[Math.floor(roll * person.deviceIds.length)] ?? null;
        if (random() < 0.55) emailHash = person.emailHash; // logged in
        if (roll < 0.08) loyaltyId = person.loyaltyId;
        break;
      case "phone":
        phoneHash = person.phoneHash;
        if (phoneHash === null || roll < 0.4) loyaltyId = person.loyaltyId;
        break;
      case "social":
        socialHandle = person.socialHandle;
        if (roll < 0.08) emailHash = person.emailHash;
        break;
    }
    if (!loyaltyId && !emailHash && !phoneHash && !deviceId && !socialHandle) {
      loyaltyId = person.loyaltyId;
      if (loyaltyId === null) emailHash = person.emailHash;
      if (emailHash === null && loyaltyId === null) deviceId = person.deviceIds[0] ?? null;
    }
    return { loyaltyId, emailHash, phoneHash, deviceId, socialHandle };
  };

  const emit = (agent: Agent, touchpoint: Touchpoint) => {
    if (touchpoint.occurredAt >= endAt || touchpoint.occurredAt >= agent.erasureAt) return;
    queue.push(touchpoint.occurredAt, touchpoint);
  };

  const sentimentAround = (agent: Agent, shift: number, spread: number) =>
    round2(clamp(agent.mood + shift + spread * normal(agent.random), -1, 1));

  // ---- episodes ---------------------------------------------------------------------------------

  const purchase = (agent: Agent, at: number, channel: Channel, discountedOffer = false): Touchpoint => {
    const b = agent.behaviour;
    const random = agent.random;
    const items = 1 + Math.floor(-Math.log(1 - random()) * 0.9);
    const listMinor = Math.max(199, Math.round(logNormal(random, b.basketMedianMinor, b.basketSigma)));
    const discounted = discountedOffer || random() < b.discounted;
    const [low, high] = b.discountDepth;
    const depth = discounted ? low + random() * (high - low) : 0;
    const lineItems: Touchpoint["lineItems"] = [];
    let remaining = listMinor;
    let discountLeft = Math.round(listMinor * depth);
    const discountMinor = discountLeft;
    for (let item = 0; item < items; item++) {
      const last = item === items - 1;
      const price = last ? remaining : Math.max(1, Math.round(remaining * (0.3 + 0.4 * random())));
      const discount = last ? discountLeft : Math.min(discountLeft, Math.round(price * depth));
      remaining -= price;
      discountLeft -= discount;
      lineItems.push({
        sku: skus[Math.floor(random() * skus.length)] as string,
        quantity: 1,
        unitPriceMinor: price,
        discountMinor: discount,
      });
      if (remaining <= 0) break;
    }
    const minor = listMinor - discountMinor;
    const touchpoint = touch(agent, at, channel, "purchase", identifiersOn(agent, channel));
    touchpoint.amount = {
      minor,
      currency,
      discountMinor,
      marginMinor: Math.round(listMinor * 0.45) - discountMinor,
    };
    touchpoint.lineItems = lineItems;
    touchpoint.sentiment = random() < 0.3 ? sentimentAround(agent, 0.2, 0.3) : null;
    emit(agent, touchpoint);
    afterPurchase(agent, at, { at, listMinor, discountMinor, lineItems });
    return touchpoint;
  };

  const afterPurchase = (agent: Agent, at: number, bought: Purchase) => {
    const b = agent.behaviour;
    const random = agent.random;
    if (random() < b.returns) {
      const returnAt = Math.floor(at + clamp(logNormal(random, 6, 0.7), 0.2, 60) * dayMs);
      const channel: Channel = random() < 0.55 ? "store" : "web";
      const whole = agent.person.kind === "heavy_returner" ? random() < 0.75 : random() < 0.4;
      const lines = whole ? bought.lineItems : bought.lineItems.slice(0, 1);
      let minor = 0;
      let discount = 0;
      const lineItems: Touchpoint["lineItems"] = lines.map((line) => {
        minor += line.unitPriceMinor * line.quantity - line.discountMinor;
        discount += line.discountMinor;
        return { ...line, quantity: -line.quantity };
      });
      const touchpoint = touch(agent, returnAt, channel, "return", identifiersOn(agent, channel));
      touchpoint.amount = {
        minor: -minor,
        currency,
        discountMinor: discount,
        marginMinor: -Math.round(minor * 0.35),
      };
      touchpoint.lineItems = lineItems;
      touchpoint.sentiment = random() < 0.3 ? sentimentAround(agent, -0.1, 0.3) : null;
      touchpoint.attributes = {
        ...touchpoint.attributes,
        reason: returnReasons[Math.floor(random() * 4)] as string,
      };
      emit(agent, touchpoint);
    }
    if (random() < b.review) {
      const reviewAt = Math.floor(at + clamp(logNormal(random, 5, 0.6), 0.5, 40) * dayMs);
      review(agent, reviewAt);
    }
    if (random() < 0.06) survey(agent, Math.floor(at + (1 + random() * 3) * dayMs), "purchase", null);
  };

  const review = (agent: Agent, at: number) => {
    const random = agent.random;
    const onSocial = agent.person.socialHandle !== null && random() < 0.5;
    const channel: Channel = onSocial ? "social" : "web";
    const rating = clamp(Math.round(3.2 + 2 * agent.mood + normal(random) * 0.8), 1, 5);
    const touchpoint = touch(agent, at, channel, "review", identifiersOn(agent, channel));
    touchpoint.social = {
      network: onSocial ? "trustpilot" : "shop-reviews",
      reach: onSocial ? agent.reach : 0,
      rating,
    };
    touchpoint.sentiment = round2(clamp((rating - 3) / 2 + 0.15 * normal(random), -1, 1));
    emit(agent, touchpoint);
  };

  const survey = (agent: Agent, at: number, about: string, resolved: boolean | null) => {
    const random = agent.random;
    const lift = resolved === false ? -0.6 : resolved === true ? 0.15 : 0;
    const feeling = clamp(agent.mood + lift + 0.3 * normal(random), -1, 1);
    const touchpoint = touch(agent, at, "web", "survey_response", {
      ...emptyIdentifiers,
      emailHash: agent.person.emailHash,
      loyaltyId: agent.person.emailHash === null ? agent.person.loyaltyId : null,
      deviceId:
        agent.person.emailHash === null && agent.person.loyaltyId === null
          ? (agent.person.deviceIds[0] ?? null)
          : null,
    });
    touchpoint.experience = {
      satisfaction: clamp(Math.round(3 + 2 * feeling), 1, 5),
      effort: about === "service" ? clamp(Math.round(4 - 3 * feeling + normal(random)), 1, 7) : null,
      nps: clamp(Math.round(7 + 3.5 * feeling + normal(random)), 0, 10),
      waitSeconds: null,
      handleSeconds: null,
      resolved,
    };
    touchpoint.sentiment = round2(feeling);
    touchpoint.attributes = { survey: about === "service" ? "csat-ces-nps" : "csat-nps", about };
    emit(agent, touchpoint);
  };

  const waitSeconds = (agent: Agent, channel: Channel, at: number) => {
    const busy = channel === "phone" && weekdayOf(localDay(at)) === 0 ? 1.6 : 1;
    const median = channel === "phone" ? 180 : channel === "store" ? 240 : 3600;
    const patience = agent.person.kind === "unhappy" ? 1.4 : 1;
    return Math.round(logNormal(agent.random, median * busy * patience, 0.8));
  };

  const serviceContact = (agent: Agent, at: number, channel: Channel, complaint: boolean) => {
    const random = agent.random;
    const b = agent.behaviour;
    const identifiers = identifiersOn(agent, channel);
    const wait = channel === "social" ? null : waitSeconds(agent, channel, at);
    let now = at;
    if (complaint) {
      const opened = touch(agent, now, channel, "complaint", identifiers);
      opened.sentiment = round2(clamp(-0.45 + 0.5 * Math.min(agent.mood, 0) - 0.35 * random(), -1, -0.1));
      opened.experience = { ...noMeasures, waitSeconds: wait };
      opened.attributes = {
        ...opened.attributes,
        topic: complaintTopics[Math.floor(random() * 5)] as string,
      };
      emit(agent, opened);
      now += 60_000;
    }
    const request = touch(agent, now, channel, "service_request", identifiers);
    request.experience = { ...noMeasures, waitSeconds: complaint ? 0 : wait };
    request.sentiment = complaint ? null : sentimentAround(agent, -0.1, 0.3);
    emit(agent, request);
    const handle = Math.round(logNormal(random, channel === "store" ? 300 : 420, 0.6));
    const fixedNow = (channel === "store" || channel === "phone") && random() < b.firstFix;
    const resolvedAt = fixedNow
      ? now + handle * 1000
      : Math.floor(now + clamp(logNormal(random, 2, 0.8), 0.1, 20) * dayMs);
    const resolved = fixedNow || random() < 0.75;
    const done = touch(
      agent,
      resolvedAt,
      channel === "social" ? "phone" : channel,
      "service_resolved",
      identifiers,
    );
    done.experience = { ...noMeasures, handleSeconds: handle, resolved };
    done.sentiment = round2(clamp((resolved ? 0.55 : -0.6) + 0.3 * agent.mood + 0.2 * normal(random), -1, 1));
    emit(agent, done);
    if (random() < 0.35)
      survey(agent, Math.floor(resolvedAt + (1 + 2 * random()) * dayMs), "service", resolved);
    if (!resolved && random() < 0.5) {
      const againAt = Math.floor(resolvedAt + (1 + 3 * random()) * dayMs);
      if (againAt < endAt) {
        const escalation = touch(agent, againAt, "phone", "complaint", identifiersOn(agent, "phone"));
        escalation.sentiment = round2(-0.7 - 0.3 * random());
        escalation.experience = { ...noMeasures, waitSeconds: waitSeconds(agent, "phone", againAt) };
        escalation.attributes = { topic: "unresolved" };
        emit(agent, escalation);
      }
    }
    if (complaint && random() < b.optOut * 8) consentChange(agent, resolvedAt + 3_600_000, "email", false);
  };

  const consentChange = (agent: Agent, at: number, scope: keyof typeof consentBits, granted: boolean) => {
    const channel: Channel = agent.person.emailHash !== null || agent.random() < 0.5 ? "web" : "store";
    const touchpoint = touch(agent, Math.floor(at), channel, "consent_change", identifiersOn(agent, channel));
    touchpoint.consent = { scope, granted };
    agent.consent = granted ? agent.consent | consentBits[scope] : agent.consent & ~consentBits[scope];
    emit(agent, touchpoint);
  };

  const firstContact = (agent: Agent, at: number) => {
    agent.started = true;
    const random = agent.random;
    const [email, sms, push] = agent.behaviour.optIn;
    if (random() < 0.04 * email) consentChange(agent, at + 30_000, "all", true);
    else {
      const odds = [email, sms, push];
      for (let scope = 0; scope < 3; scope++) {
        if (random() < (odds[scope] ?? 0))
          consentChange(agent, at + 30_000 + scope * 1000, consentScopes[scope] as "email", true);
      }
    }
  };

  const referral = (agent: Agent, at: number) => {
    const random = agent.random;
    const kind = drawKind(referredKinds, random());
    const joinAt = Math.floor(at + (0.5 + random() * 14) * dayMs);
    const friend = newPerson(kind, joinAt, agent.person.index);
    friend.referrer = agent;
    friend.converts = random() < 0.55;
    if (joinAt < endAt) queueWake(friend, joinAt, random() < 0.6 ? "web" : "store");
    if (!friend.converts) sendReferral(agent, at, friend, false);
  };

  const sendReferral = (agent: Agent, at: number, friend: Agent, converted: boolean) => {
    const channel: Channel = agent.person.socialHandle !== null && agent.random() < 0.3 ? "social" : "web";
    const touchpoint = touch(agent, at, channel, "referral", identifiersOn(agent, channel));
    touchpoint.referral = { referredKey: `email:${friend.person.emailHash}`, converted };
    emit(agent, touchpoint);
  };

  const episode = (agent: Agent, at: number, channel: Channel) => {
    const b = agent.behaviour;
    const random = agent.random;
    if (!agent.started) {
      firstContact(agent, at);
      const referrer = agent.referrer;
      if (referrer !== null && agent.converts) {
        const bought = purchase(agent, at, channel === "phone" || channel === "social" ? "web" : channel);
        if (bought.occurredAt < referrer.erasureAt) sendReferral(referrer, at + 60_000, agent, true);
        return;
      }
    }
    const roll = random();
    if (roll < agent.complaint) {
      serviceContact(agent, at, channel, true);
    } else if (roll < agent.complaint + b.service && channel !== "social") {
      serviceContact(agent, at, channel, false);
    } else {
      switch (channel) {
        case "store":
          if (random() < b.buy * 1.3) purchase(agent, at, "store");
          else {
            const visit = touch(agent, at, "store", "visit", identifiersOn(agent, "store"));
            visit.sentiment = random() < 0.2 ? sentimentAround(agent, 0, 0.3) : null;
            emit(agent, visit);
          }
          break;
        case "web": {
          const identifiers = identifiersOn(agent, "web");
          emit(agent, touch(agent, at, "web", "web_session", identifiers));
          let now = at + 20_000 + Math.floor(random() * 120_000);
          if (random() < 0.5) {
            const view = touch(agent, now, "web", "page_view", identifiers);
            view.attributes = { page: `/p/${skus[Math.floor(random() * skus.length)]}` };
            emit(agent, view);
            now += 30_000 + Math.floor(random() * 120_000);
          }
          if (random() < b.buy * 1.4) {
            emit(agent, touch(agent, now, "web", "cart", identifiers));
            now += 60_000 + Math.floor(random() * 300_000);
            if (random() < 0.7) {
              if (random() < 0.03) {
                const failed = touch(agent, now, "web", "payment_failed", identifiers);
                failed.attributes = { reason: random() < 0.5 ? "card_declined" : "insufficient_funds" };
                emit(agent, failed);
                now += 120_000;
                if (random() < 0.5) break;
              }
              purchase(agent, now, "web");
            }
          }
          break;
        }
        case "phone": {
          const call = touch(agent, at, "phone", "call", identifiersOn(agent, "phone"));
          call.experience = {
            ...noMeasures,
            waitSeconds: waitSeconds(agent, "phone", at),
            handleSeconds: Math.round(logNormal(random, 240, 0.6)),
          };
          call.sentiment = random() < 0.5 ? sentimentAround(agent, 0, 0.3) : null;
          emit(agent, call);
          break;
        }
        case "social": {
          const mention = touch(agent, at, "social", "social_mention", identifiersOn(agent, "social"));
          const handle = agent.person.socialHandle ?? "x:@unknown";
          mention.social = {
            network: handle.slice(0, handle.indexOf(":")),
            reach: agent.reach,
            rating: null,
          };
          mention.sentiment = sentimentAround(agent, 0, 0.35);
          emit(agent, mention);
          break;
        }
      }
    }
    if (random() < b.referral) referral(agent, at + 3_600_000);
    const consentRoll = random();
    if (consentRoll < b.optOut) {
      const granted = consentScopes.filter((scope) => (agent.consent & consentBits[scope]) !== 0);
      const scope = granted[Math.floor(random() * granted.length)];
      if (scope !== undefined) consentChange(agent, at + 600_000, random() < 0.15 ? "all" : scope, false);
    } else if (consentRoll < b.optOut + 0.004) {
      const missing = consentScopes.filter((scope) => (agent.consent & consentBits[scope]) === 0);
      const scope = missing[Math.floor(random() * missing.length)];
      if (scope !== undefined) consentChange(agent, at + 600_000, scope, true);
    }
  };

  // ---- scheduling -------------------------------------------------------------------------------

  const queueWake = (agent: Agent, at: number, channel: Channel) => {
    agent.nextChannel = channel;
    agent.waking = true;
    agent.wakeAt = at;
    queue.push(at, agent);
  };

  /**
   * Draws the agent's next contact after `from` by thinning. The intensity is
   * rate × activity(t) × day factor (season, paydays) × weekday mix / average weekday mix; the bound
   * uses the largest day factor and weekday mix and the activity at the last candidate (activity
   * never grows), so accepting with intensity / bound gives the exact process.
   */
  const scheduleNext = (agent: Agent, from: number) => {
    const random = agent.random;
    const fromDay = localDay(from);
    let t = from;
    for (;;) {
      const activity = agent.activity(t);
      if (activity < lapseFactor) {
        agent.active = false;
        return;
      }
      const bound = agent.rate * activity * agent.bound * dayTable.max;
      t += (-Math.log(1 - random()) / bound) * dayMs;
      if (t >= endAt || t >= agent.erasureAt) return;
      const day = localDay(t);
      const weekday = weekdayOf(day);
      const w0 = agent.storeWeight * weekdayFactor("store", weekday);
      const w1 = agent.phoneWeight * weekdayFactor("phone", weekday);
      const w2 = agent.webWeight * weekdayFactor("web", weekday);
      const w3 = agent.socialWeight * weekdayFactor("social", weekday);
      const sum = w0 + w1 + w2 + w3;
      const intensity = agent.rate * agent.activity(t) * dayTable.factor(day) * (sum / agent.averageMix);
      if (random() * bound >= intensity) continue;
      const pick = random() * sum;
      const channel: Channel =
        pick < w0 ? "store" : pick < w0 + w1 ? "phone" : pick < w0 + w1 + w2 ? "web" : "social";
      let at = localDayStart(day) + timeOfDay(channel, random(), random());
      if (day === fromDay && at <= from) at = t;
      if (at >= endAt || at >= agent.erasureAt) return;
      queueWake(agent, Math.floor(at), channel);
      return;
    }
  };

  const wake = (agent: Agent, at: number) => {
    agent.waking = false;
    if (at >= agent.erasureAt) return;
    episode(agent, at, agent.nextChannel);
    scheduleNext(agent, at + 60_000);
  };

  const begin = () => {
    started = true;
    for (const agent of agents) {
      if (agent.erasureAt < endAt) scheduleErasure(agent);
      if (agent.person.joinedAt > startAt) {
        if (agent.person.joinedAt < endAt)
          queueWake(agent, agent.person.joinedAt, agent.random() < 0.6 ? "web" : "store");
      } else scheduleNext(agent, startAt);
    }
  };

  const scheduleErasure = (agent: Agent) => {
    const at = Math.floor(agent.erasureAt);
    const channel: Channel = agent.random() < 0.7 ? "web" : "phone";
    const request = touch(agent, at, channel, "erasure_request", identifiersOn(agent, channel));
    queue.push(at, request);
  };

  function* touchpoints(): Generator<Touchpoint> {
    if (started) throw new Error("a workload's touchpoints can be iterated once; create another workload");
    begin();
    for (;;) {
      const item = queue.pop();
      if (item === undefined) return;
      if (item instanceof Agent) {
        clock = Math.max(clock, item.wakeAt);
        wake(item, item.wakeAt);
      } else {
        clock = Math.max(clock, item.occurredAt);
        yield item;
      }
    }
  }

  // ---- customers and offers ---------------------------------------------------------------------

  const linked = new Map<string, Person>();
  const derived = new Map<string, Person>();
  const byIdentifier = new Map<string, Person>();
  let indexed = 0;
  const indexPersons = () => {
    for (; indexed < persons.length; indexed++) {
      const person = persons[indexed] as Person;
      for (const key of person.identifierKeys()) {
        byIdentifier.set(key, person);
        derived.set(customerIdFor(key), person);
      }
    }
  };

  const personOf = (customerId: string): Person | undefined => {
    const known = linked.get(customerId) ?? derived.get(customerId);
    if (known !== undefined || indexed === persons.length) return known;
    indexPersons();
    return derived.get(customerId);
  };

  const link = (customerId: string, identifiers: Touchpoint["identifiers"]): Person | undefined => {
    indexPersons();
    for (const key of identifierKeys(identifiers)) {
      const person = byIdentifier.get(key);
      if (person !== undefined) {
        linked.set(customerId, person);
        return person;
      }
    }
    return undefined;
  };

  const answers = new Map<string, Touchpoint | null>();

  const respondToOffer = (offer: OfferToAnswer, at: number = offer.decidedAt): Touchpoint | null => {
    const known = answers.get(offer.decisionId);
    if (known !== undefined) return known;
    const person = personOf(offer.customerId);
    const agent = person === undefined ? undefined : agents[person.index];
    if (agent === undefined) return null;
    // The decision's id without its customer: event ids are logged, and logs name no customer.
    const decision = decisionLogId(offer.decisionId);
    const random = seededRandom(mix32(seed, hashText(decision), 0x0ff));
    const plan = planResponse(agent.person.kind, offer, random);
    const respondedAt = plan === null ? Number.POSITIVE_INFINITY : Math.floor(at + plan.delayMs);
    if (plan === null || respondedAt > offer.expiresAt || respondedAt >= agent.erasureAt) {
      answers.set(offer.decisionId, null);
      return null;
    }
    const channel = answerChannel(offer.channel);
    const touchpoint: Touchpoint = {
      eventId: `${eventPrefix}offer-${decision}`,
      occurredAt: respondedAt,
      receivedAt: respondedAt + Math.floor(random() * 5000),
      channel,
      type: "offer_response",
      identifiers: identifiersOn(agent, channel, random),
      amount: null,
      sentiment: null,
      sourceSystem: "marketing-automation",
      lineItems: [],
      experience: noMeasures,
      offerResponse: { decisionId: offer.decisionId, offerId: offer.offerId, outcome: plan.outcome },
      consent: null,
      social: null,
      referral: null,
      attributes: { deliveredOn: offer.channel },
    };
    if (plan.outcome === "accepted") {
      touchpoint.sentiment = round2(clamp(0.4 + 0.3 * agent.mood + 0.2 * normal(random), -1, 1));
      if (sellingKinds.has(offer.kind)) {
        const b = agent.behaviour;
        const listMinor = Math.max(199, Math.round(logNormal(random, b.basketMedianMinor, b.basketSigma)));
        const discountMinor =
          offer.kind === "discount" || offer.kind === "win_back" ? Math.round(listMinor * 0.15) : 0;
        touchpoint.amount = {
          minor: listMinor - discountMinor,
          currency,
          discountMinor,
          marginMinor: Math.round(listMinor * 0.45) - discountMinor,
        };
      }
      acceptedOffer(agent, offer.kind, respondedAt);
    } else if (plan.outcome === "declined") {
      touchpoint.sentiment = round2(clamp(agent.mood - 0.2 + 0.2 * normal(random), -1, 1));
    }
    answers.set(offer.decisionId, touchpoint);
    return touchpoint;
  };

  /** What an accepted offer changes: win-backs bring drifting customers back, recovery calms. */
  const acceptedOffer = (agent: Agent, kind: string, at: number) => {
    if (kind === "service_recovery" || kind === "free_replacement") {
      agent.complaint *= 0.5;
      agent.mood = Math.min(1, agent.mood + 0.3);
    }
    if (kind === "win_back" || ((kind === "discount" || kind === "early_access") && !agent.active)) {
      agent.driftFrom =
        Math.max(at, agent.driftFrom === Number.POSITIVE_INFINITY ? at : agent.driftFrom) + 45 * dayMs;
      agent.active = true;
      if (started && !agent.waking && agent.started) scheduleNext(agent, Math.max(at, clock));
    }
  };

  return {
    seed,
    startAt,
    endAt,
    persons,
    touchpoints,
    personOf,
    link,
    respondToOffer,
  };
}

const noMeasures = noExperience;
const noAttributes: Record<string, string> = Object.freeze({}) as Record<string, string>;
const returnReasons = ["size", "changed_mind", "defect", "not_as_described"];
const complaintTopics = ["delivery", "defect", "billing", "staff", "waiting"];
